// Internal to lib/attest: X.509 building blocks for the simulated SEV-SNP chain.
//   ASSIGN_OR_RETURN(crypto::EvpPkeyPtr ark_key, GenerateRsaKey(2048));
//   ASSIGN_OR_RETURN(crypto::X509Ptr ark, MakeSimCert({...}));
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "lib/base/bytes.h"
#include "lib/crypto/openssl_util.h"

namespace c8s::attest {

struct SimCertSpec {
  std::string subject_cn;
  std::string issuer_cn;
  EVP_PKEY* subject_key = nullptr;  // public part goes into the certificate
  EVP_PKEY* issuer_key = nullptr;   // RSA, signs with RSASSA-PSS SHA-384 salt 48
  bool ca = false;
  long serial = 1;
  absl::Time not_before, not_after;
  // Extra extensions: (dotted OID, raw extnValue content).
  std::vector<std::pair<std::string, Bytes>> extensions;
};

absl::StatusOr<crypto::EvpPkeyPtr> GenerateRsaKey(int bits);
absl::StatusOr<crypto::EvpPkeyPtr> GenerateP384Key();
absl::StatusOr<crypto::EvpPkeyPtr> PrivateKeyFromPem(std::string_view pem);
absl::StatusOr<crypto::X509Ptr> MakeSimCert(const SimCertSpec& spec);
std::string SimCertPem(X509* cert);
// DER of an INTEGER / IA5String, as AMD extension values are encoded.
Bytes DerInteger(long v);
Bytes DerIa5(std::string_view s);

}  // namespace c8s::attest
