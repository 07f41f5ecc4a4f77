// Picks the evidence source available inside this CVM: configfs-tsm first (SNP and TDX), then
// /dev/sev-guest. When nothing is available the error lists what was tried and why.
//   ASSIGN_OR_RETURN(std::unique_ptr<EvidenceProvider> p, DetectEvidenceProvider({}));
//   ASSIGN_OR_RETURN(Evidence ev, p->GetEvidence(report_data));
#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "lib/attest/evidence.h"

namespace c8s::attest {

struct DetectOptions {
  std::string configfs_tsm_root = "/sys/kernel/config/tsm/report";
  std::string sev_guest_device = "/dev/sev-guest";
  std::string tdx_guest_device = "/dev/tdx_guest";
};

// kUnavailable (verify_error.h) naming every source tried when none is usable.
absl::StatusOr<std::unique_ptr<EvidenceProvider>> DetectEvidenceProvider(const DetectOptions& o);

}  // namespace c8s::attest
