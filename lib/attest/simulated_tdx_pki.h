// Internal to simulated_tdx*.cc: the simulated Intel PKI and signing helpers.
#pragma once

#include <optional>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "lib/attest/simulated_tdx.h"
#include "lib/attest/tdx_pck.h"
#include "lib/crypto/openssl_util.h"

namespace c8s::attest {

struct SimulatedTdx::Pki {
  crypto::EvpPkeyPtr root_key, pck_ca_key, pck_key, tcb_key, att_key;
  crypto::X509Ptr root, pck_ca, pck, tcb_signing;
  PckExtensions ext;  // what the PCK certificate's SGX extension says
  Bytes qe_mrsigner;  // 32
};

absl::StatusOr<std::unique_ptr<SimulatedTdx::Pki>> MakeSimulatedTdxPki();
// ECDSA P-256/SHA-256 as raw r||s (32 + 32 bytes, big-endian).
absl::StatusOr<Bytes> SignP256Raw(EVP_PKEY* key, ByteSpan msg);
// A DER CRL by `issuer`, listing `revoked` when given.
absl::StatusOr<Bytes> MakeSimulatedCrl(X509* issuer, EVP_PKEY* key, absl::Time this_update,
                                       absl::Time next_update,
                                       const ASN1_INTEGER* revoked = nullptr);
std::string CertPem(X509* cert);

}  // namespace c8s::attest
