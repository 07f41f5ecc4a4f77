// The TDX half of EvaluatePolicy (policy.h). The claims come from a verified quote; the TCB
// status is "Unknown" when it was verified without collateral, which the default accepted
// statuses ({"UpToDate"}) refuse.
#include <algorithm>

#include "lib/attest/policy.h"
#include "lib/base/strings.h"

namespace c8s::attest {
namespace {

void CheckList(std::string_view field, const std::vector<Bytes>& list, ByteSpan value,
               std::vector<std::string>& failures) {
  if (list.empty()) {
    failures.push_back(StrCat(field, ": allow-list is empty, nothing is accepted"));
  } else if (!InAllowList(list, value)) {
    failures.push_back(StrCat(field, ": got ", ShortHex(value), ", want one of ", HexList(list)));
  }
}

void CheckRtmrs(const std::vector<std::vector<Bytes>>& sets, const std::vector<Bytes>& got,
                std::vector<std::string>& failures) {
  if (sets.empty()) {
    failures.push_back("tdx.rtmrs: allow-list is empty, nothing is accepted");
    return;
  }
  if (std::find(sets.begin(), sets.end(), got) != sets.end()) return;
  std::string want;
  for (const auto& set : sets) want += (want.empty() ? "" : ", ") + HexList(set);
  failures.push_back(StrCat("tdx.rtmrs: got ", HexList(got), ", want one of [", want, "]"));
}

void CheckMinSvn(const Bytes& min, const Bytes& got, std::vector<std::string>& failures) {
  for (size_t i = 0; i < min.size(); ++i) {
    const int value = i < got.size() ? got[i] : 0;
    if (value < min[i]) {
      failures.push_back(
          StrCat("tdx.minTeeTcbSvn: TEE_TCB_SVN[", i, "] got ", value, ", want >= ", int{min[i]}));
    }
  }
}

}  // namespace

void EvaluateTdxPolicy(const TdxPolicy& p, const Claims& c, std::vector<std::string>& failures) {
  CheckList("tdx.mrtd", p.mrtd, c.measurement, failures);
  if (p.rtmrs) CheckRtmrs(*p.rtmrs, c.rtmrs, failures);
  if (p.mr_config_id) CheckList("tdx.mrConfigId", *p.mr_config_id, c.host_data, failures);
  if (p.min_tee_tcb_svn) CheckMinSvn(*p.min_tee_tcb_svn, c.tee_tcb_svn, failures);
  if (c.debug && !p.allow_debug) {
    failures.push_back("tdx.allowDebug: got debug enabled (TDATTRIBUTES bit 0), want disabled");
  }
  const std::vector<std::string> accepted =
      p.accepted_tcb_status.value_or(std::vector<std::string>{"UpToDate"});
  if (accepted.empty()) {
    failures.push_back("tdx.acceptedTcbStatus: allow-list is empty, nothing is accepted");
  } else if (std::find(accepted.begin(), accepted.end(), c.tcb_status) == accepted.end()) {
    std::string want;
    for (const auto& s : accepted) want += (want.empty() ? "" : ", ") + s;
    failures.push_back(
        StrCat("tdx.acceptedTcbStatus: got ", c.tcb_status, ", want one of [", want, "]"));
  }
}

}  // namespace c8s::attest
