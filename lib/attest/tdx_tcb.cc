// Intel QVL TcbLevelCheck / TDX TCB evaluation (see attestation-formats.md §3.6): select the
// first TCB level, in the served order, that the platform meets; with TEE_TCB_SVN[1] != 0 the
// TDX module's own identity ("TDX_%02X") judges TEE_TCB_SVN[0..1].
#include "lib/attest/tdx_tcb.h"

#include <algorithm>
#include <cstdio>

#include "lib/attest/verify_error.h"
#include "lib/base/status.h"
#include "lib/base/strings.h"

namespace c8s::attest {
namespace {

std::string SvnList(const uint8_t* v, size_t n) {
  std::string out = "[";
  for (size_t i = 0; i < n; ++i) out += StrCat(i ? "," : "", int{v[i]});
  return out + "]";
}

void AddAdvisories(std::vector<std::string>& out, const std::vector<std::string>& ids) {
  for (const auto& id : ids) {
    if (std::find(out.begin(), out.end(), id) == out.end()) out.push_back(id);
  }
}

// Converges a platform status with the module or QE status (QVL's convergeTcbStatus...).
std::string Converge(const std::string& platform, const std::string& other) {
  if (other == "OutOfDate") {
    if (platform == "UpToDate" || platform == "SWHardeningNeeded") return "OutOfDate";
    if (platform == "ConfigurationNeeded" || platform == "ConfigurationAndSWHardeningNeeded") {
      return "OutOfDateConfigurationNeeded";
    }
  }
  if (other == "Revoked") return "Revoked";
  return platform;
}

bool MaskedEqual(ByteSpan value, ByteSpan mask, ByteSpan want) {
  for (size_t i = 0; i < value.size(); ++i) {
    if ((value[i] & mask[i]) != want[i]) return false;
  }
  return true;
}

absl::Status CheckQeIdentity(const QeIdentity& qe, const SgxReportBody& r) {
  auto fail = [](std::string_view what) {
    return VerifyError(VerifyErrorKind::kCollateral, StrCat("qe identity: ", what));
  };
  if (r.mr_signer != qe.mrsigner) {
    return fail(StrCat("mrsigner got ", HexEncode(r.mr_signer), ", want ", HexEncode(qe.mrsigner)));
  }
  if (r.isv_prod_id != qe.isvprodid) {
    return fail(StrCat("isvprodid got ", r.isv_prod_id, ", want ", qe.isvprodid));
  }
  if ((r.misc_select & qe.miscselect_mask) != qe.miscselect) {
    return fail(StrCat("miscselect ", r.misc_select, " under mask ", qe.miscselect_mask, ", want ",
                       qe.miscselect));
  }
  if (!MaskedEqual(r.attributes, qe.attributes_mask, qe.attributes)) {
    return fail(StrCat("attributes ", HexEncode(r.attributes), " under mask ",
                       HexEncode(qe.attributes_mask), ", want ", HexEncode(qe.attributes)));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<TdxTcbResult> EvaluateTdxTcb(const TdxTcbInput& in) {
  const TdxTcbInfo& info = *in.tcb_info;
  const PckExtensions& pck = *in.pck;
  const TdReportBody& body = in.quote->body;
  if (info.fmspc != pck.fmspc || info.pce_id != pck.pceid) {
    return VerifyError(VerifyErrorKind::kCollateral,
                       StrCat("tcb info is for fmspc ", HexEncode(info.fmspc), " pceid ",
                              HexEncode(info.pce_id), ", the PCK certificate says fmspc ",
                              HexEncode(pck.fmspc), " pceid ", HexEncode(pck.pceid)));
  }
  const uint8_t* tee = body.tee_tcb_svn.data();
  const bool module_identity = tee[1] > 0;
  // With a module identity, TEE_TCB_SVN[0..1] are judged by that identity, not by the level.
  const size_t first_tdx = module_identity ? 2 : 0;
  const TdxTcbLevel* match = nullptr;
  for (const TdxTcbLevel& level : info.levels) {
    bool ok = level.pcesvn <= pck.pcesvn;
    for (size_t i = 0; ok && i < 16; ++i) ok = level.sgx_components[i] <= pck.sgx_tcb_comp[i];
    for (size_t i = first_tdx; ok && i < 16; ++i) ok = level.tdx_components[i] <= tee[i];
    if (ok) {
      match = &level;
      break;
    }
  }
  if (match == nullptr) {
    return VerifyError(VerifyErrorKind::kTcbMismatch,
                       StrCat("tcb status: no TCB level matches (TCB not supported): pck sgx "
                              "components ",
                              SvnList(pck.sgx_tcb_comp, 16), " pcesvn ", pck.pcesvn,
                              ", tee_tcb_svn ", HexEncode(body.tee_tcb_svn)));
  }
  TdxTcbResult out;
  out.platform_status = match->result.status;
  out.tcb_date = match->result.tcb_date;
  out.status = out.platform_status;
  AddAdvisories(out.advisory_ids, match->result.advisory_ids);

  const TdxModuleIdentity* module = &info.tdx_module;
  if (module_identity) {
    char id[8];
    std::snprintf(id, sizeof(id), "TDX_%02X", tee[1]);
    auto it = std::find_if(info.module_identities.begin(), info.module_identities.end(),
                           [&](const TdxModuleIdentity& m) { return m.id == id; });
    if (it == info.module_identities.end()) {
      return VerifyError(VerifyErrorKind::kTcbMismatch,
                         StrCat("tcb status: no TDX module identity ", id, " in the tcb info"));
    }
    module = &*it;
    auto level = std::find_if(module->levels.begin(), module->levels.end(),
                              [&](const TdxModuleLevel& l) { return tee[0] >= l.isvsvn; });
    if (level == module->levels.end()) {
      return VerifyError(VerifyErrorKind::kTcbMismatch,
                         StrCat("tcb status: TDX module ", id, " svn ", int{tee[0]},
                                " is below every level of its identity"));
    }
    out.module_status = level->result.status;
    out.status = Converge(out.status, out.module_status);
    AddAdvisories(out.advisory_ids, level->result.advisory_ids);
  }
  if (body.mr_signer_seam != module->mrsigner ||
      (body.seam_attributes & module->attributes_mask) != module->attributes) {
    return VerifyError(VerifyErrorKind::kTcbMismatch,
                       StrCat("tdx module identity: mrsignerseam ", HexEncode(body.mr_signer_seam),
                              " seamattributes ", body.seam_attributes, ", want mrsigner ",
                              HexEncode(module->mrsigner), " attributes ", module->attributes));
  }

  if (in.qe_identity != nullptr) {
    const QeIdentity& qe = *in.qe_identity;
    const SgxReportBody& report = in.quote->qe_report;
    RETURN_IF_ERROR(CheckQeIdentity(qe, report));
    auto level = std::find_if(qe.levels.begin(), qe.levels.end(),
                              [&](const TdxModuleLevel& l) { return report.isv_svn >= l.isvsvn; });
    if (level == qe.levels.end()) {
      return VerifyError(
          VerifyErrorKind::kTcbMismatch,
          StrCat("qe identity: QE isvsvn ", report.isv_svn, " is below every QE identity level"));
    }
    out.qe_status = level->result.status;
    out.status = Converge(out.status, out.qe_status);
    AddAdvisories(out.advisory_ids, level->result.advisory_ids);
  }
  if (out.status == "Revoked") {
    return VerifyError(VerifyErrorKind::kRevoked,
                       StrCat("tcb status: Revoked (platform ", out.platform_status, ", module ",
                              out.module_status.empty() ? "-" : out.module_status, ", qe ",
                              out.qe_status.empty() ? "-" : out.qe_status, ")"));
  }
  return out;
}

}  // namespace c8s::attest
