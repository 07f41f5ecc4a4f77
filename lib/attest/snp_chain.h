// Internal to lib/attest: building and validating the VCEK/VLEK -> ASK/ASVK -> ARK chain of
// one SNP report (snp_verifier.cc caches the result in SnpChainCache).
//   ASSIGN_OR_RETURN(auto chain, BuildSnpChain(report, evidence, options));
//   RETURN_IF_ERROR(CheckSnpChainTime(*chain, options.now));
//   // chain->vek_key verifies the report signature
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "lib/attest/snp_certs.h"
#include "lib/attest/snp_verifier.h"
#include "lib/crypto/p384.h"

namespace c8s::attest {

struct SnpValidatedChain {
  std::optional<crypto::P384VerifyingKey> vek_key;  // of the VCEK/VLEK, with its table
  VekExtensions ext;
  SigningKeyKind kind = SigningKeyKind::kNone;
  SnpProduct product = SnpProduct::kUnknown;  // from the certificates (ARK and VEK agree)
  bool simulated = false;                     // rooted in a simulated ARK
  struct Window {
    std::string what;  // "VCEK (CN=SEV-VCEK)", "CRL of ARK-Milan", ...
    absl::Time not_before;
    absl::Time not_after;
  };
  std::vector<Window> windows;
};

absl::StatusOr<std::shared_ptr<const SnpValidatedChain>> BuildSnpChain(const SnpReport& report,
                                                                       const Evidence& evidence,
                                                                       const SnpVerifyOptions& opt);
// kExpired naming the first certificate or CRL whose window does not contain `now`.
absl::Status CheckSnpChainTime(const SnpValidatedChain& chain, absl::Time now);
// The cache key of the chain for this report and these inputs: every input that decides the
// chain, length-prefixed, compared whole by the cache (a few KB; cheaper than hashing it with
// SHA-256 on every report, and no collision can stand in for a different chain).
Bytes SnpChainCacheKey(const SnpReport& report, const Evidence& evidence,
                       const SnpVerifyOptions& opt);

}  // namespace c8s::attest
