// SEV-SNP evidence verification: report structure, VCEK/VLEK -> ASK/ASVK -> ARK chain to a
// compiled-in AMD root, certificate extensions against REPORTED_TCB and CHIP_ID, and the
// ECDSA P-384 report signature. The result is Claims; reference values are policy.h's job.
//   SnpVerifyOptions opt;  opt.now = absl::FromCivil(...);  opt.cache = &cache;
//   ASSIGN_OR_RETURN(Claims c, VerifySnpEvidence(evidence, opt));
//   // failure: GetVerifyErrorKind(status) says which check (verify_error.h)
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "lib/attest/claims.h"
#include "lib/attest/evidence.h"
#include "lib/attest/snp_report.h"

namespace c8s::attest {

class SnpChainCache;

struct SnpVerifyOptions {
  // Verification time for certificate and CRL validity.
  absl::Time now = absl::Now();
  // Directory of certificates fetched from AMD KDS (VCEKs, ASK/ASVK, ARK; PEM or DER, any file
  // name). Used in addition to the certificates in the evidence; read only.
  std::string cert_cache_dir;
  // CRLs (PEM or DER) issued by the ARK. When non-empty, the ASK/ASVK and VCEK/VLEK serials
  // are checked against the CRL of the chain's ARK, which must be present and current.
  std::vector<Bytes> crls;
  // Roots of simulated chains (PEM or DER). Evidence rooted there verifies, but the claims say
  // Platform::kSimulatedSevSnp, which policy refuses unless allowSimulated.
  std::vector<Bytes> simulated_roots;
  // Expected REPORT_DATA; checked when set (kReportData).
  std::optional<Bytes> expected_report_data;
  // What the launch measurement covers on this deployment (ARCHITECTURE.md §1); the report
  // cannot say. VLEK evidence (a cloud provider's key) is always kFirmwareOnly.
  AssuranceLevel assurance = AssuranceLevel::kUnknown;
  // Validated chains, keyed by the certificate bytes; optional.
  SnpChainCache* cache = nullptr;
};

absl::StatusOr<Claims> VerifySnpEvidence(const Evidence& evidence, const SnpVerifyOptions& opt);
// Same for an already parsed report.
absl::StatusOr<Claims> VerifySnpReport(const SnpReport& report, const Evidence& evidence,
                                       const SnpVerifyOptions& opt);

// Claims from a parsed report whose product is known (no verification).
Claims SnpClaimsFromReport(const SnpReport& report, SnpProduct product);

// A validated VCEK/VLEK chain: the key, its extensions and the window in which the whole
// chain is valid. Thread-safe; holds at most `capacity` chains.
struct SnpValidatedChain;
class SnpChainCache {
 public:
  explicit SnpChainCache(size_t capacity = 256) : capacity_(capacity) {}
  std::shared_ptr<const SnpValidatedChain> Find(const Bytes& key) const;
  void Insert(const Bytes& key, std::shared_ptr<const SnpValidatedChain> chain);
  size_t size() const;

 private:
  struct KeyHash {
    size_t operator()(const Bytes& b) const;
  };
  size_t capacity_;
  mutable std::mutex mu_;
  std::unordered_map<Bytes, std::shared_ptr<const SnpValidatedChain>, KeyHash> map_;
};

}  // namespace c8s::attest
