// The SEV-SNP half of EvaluatePolicy (policy.h).
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

void CheckMin(std::string_view component, uint8_t got, const std::optional<uint8_t>& min,
              std::vector<std::string>& failures) {
  if (min && got < *min) {
    failures.push_back(StrCat("snp.minTcb.", component, ": got ", got, ", want >= ", *min));
  }
}

}  // namespace

void EvaluateSnpPolicy(const SnpPolicy& p, const Claims& c, std::vector<std::string>& failures) {
  CheckList("snp.measurement", p.measurements, c.measurement, failures);
  // Minimum TCB against REPORTED_TCB: the TCB the signing key vouches for.
  const SnpTcb& t = c.reported_tcb;
  CheckMin("bootloader", t.bootloader, p.min_tcb.bootloader, failures);
  CheckMin("tee", t.tee, p.min_tcb.tee, failures);
  CheckMin("snp", t.snp, p.min_tcb.snp, failures);
  CheckMin("microcode", t.microcode, p.min_tcb.microcode, failures);
  if (c.product == "Turin") CheckMin("fmc", t.fmc, p.min_tcb.fmc, failures);
  if (p.products) {
    if (p.products->empty()) {
      failures.push_back("snp.products: allow-list is empty, nothing is accepted");
    } else if (std::find(p.products->begin(), p.products->end(), c.product) ==
               p.products->end()) {
      std::string want;
      for (const auto& s : *p.products) want += (want.empty() ? "" : ", ") + s;
      failures.push_back(StrCat("snp.product: got ", c.product, ", want one of [", want, "]"));
    }
  }
  if (c.debug && !p.allow_debug) {
    failures.push_back("snp.allowDebug: got debug enabled (guest policy bit 19), want disabled");
  }
  if (c.migration_agent && !p.allow_migration_agent) {
    failures.push_back(
        "snp.allowMigrationAgent: got migration agent allowed (guest policy bit 18), want not "
        "allowed");
  }
  if (p.host_data) CheckList("snp.hostData", *p.host_data, c.host_data, failures);
  if (p.chip_ids) {
    if (c.signing_key == SigningKeyKind::kVlek) {
      failures.push_back(
          "snp.chipIds: chip-ID pinning is unavailable with a VLEK-signed report (no hardware "
          "ID); the policy pins chip IDs");
    } else if (c.chip_id_masked) {
      failures.push_back(
          "snp.chipIds: chip-ID pinning is unavailable: the report's chip ID is masked (all "
          "zero); the policy pins chip IDs");
    } else {
      CheckList("snp.chipId", *p.chip_ids, c.chip_id, failures);
    }
  }
  if (p.min_abi) {
    bool below = c.policy_abi_major < p.min_abi->major ||
                 (c.policy_abi_major == p.min_abi->major &&
                  c.policy_abi_minor < p.min_abi->minor);
    if (below) {
      failures.push_back(StrCat("snp.minAbi: got ", c.policy_abi_major, ".", c.policy_abi_minor,
                                ", want >= ", p.min_abi->major, ".", p.min_abi->minor));
    }
  }
  if (p.vmpl && c.vmpl != *p.vmpl) {
    failures.push_back(StrCat("snp.vmpl: got ", c.vmpl, ", want ", *p.vmpl));
  }
}

}  // namespace c8s::attest
