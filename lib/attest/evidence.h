// Evidence as it leaves a TEE, and the interface of everything that produces it.
//
// An Evidence holds the raw report/quote and whatever certificates came with it; verifiers
// (snp_verifier.h, tdx_verifier.h) turn it into Claims. Providers: configfs_tsm.h,
// sev_guest.h, simulated_snp.h, and the TDX ones.
//   std::unique_ptr<EvidenceProvider> p = ...;
//   ASSIGN_OR_RETURN(Evidence ev, p->GetEvidence(report_data));   // 64 bytes
//   ASSIGN_OR_RETURN(Claims claims, VerifySnpEvidence(ev, options));
#pragma once

#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "lib/attest/claims.h"
#include "lib/base/bytes.h"

namespace c8s::attest {

struct Evidence {
  Platform platform = Platform::kSevSnp;
  Bytes report;             // SNP ATTESTATION_REPORT (1184 bytes) or TDX quote, raw
  std::vector<Bytes> certs; // certificates (PEM or DER blobs, any order), may be empty
  Bytes auxblob;            // configfs-tsm auxblob / SNP extended-report cert table, raw
};

using ReportData = std::array<uint8_t, 64>;

class EvidenceProvider {
 public:
  virtual ~EvidenceProvider() = default;
  // Produces fresh evidence whose report data is exactly `report_data`.
  virtual absl::StatusOr<Evidence> GetEvidence(const ReportData& report_data) = 0;
  // "configfs-tsm", "sev-guest", "simulated-snp", ...
  virtual std::string_view Name() const = 0;
};

}  // namespace c8s::attest
