// Intel certificate chains for TDX: PEM chains as they come in quotes and collateral, chain
// validation to a pinned root (Intel SGX Root CA, or a simulated root when allowed), CRLs, and
// the SGX extensions of PCK certificates (OID 1.2.840.113741.1.13.1).
//   ASSIGN_OR_RETURN(CertChain chain, ParsePemChain(quote.pck_chain_pem));
//   ASSIGN_OR_RETURN(ChainResult r, VerifyIntelChain(chain, anchors, now, crls));
//   ASSIGN_OR_RETURN(PckExtensions ext, ParsePckExtensions(chain.front().get()));
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "lib/base/bytes.h"
#include "lib/crypto/openssl_util.h"

namespace c8s::attest {

using CertChain = std::vector<crypto::X509Ptr>;

// Every certificate of a PEM text (leaf first as Intel serves them); trailing NULs, blank
// lines and text between blocks are tolerated. Also accepts a single DER certificate.
absl::StatusOr<CertChain> ParsePemChain(std::string_view pem);
absl::StatusOr<std::vector<crypto::X509CrlPtr>> ParseCrl(ByteSpan der_or_pem);

struct TrustAnchors {
  std::vector<crypto::X509Ptr> roots;  // roots[0] is the real Intel SGX Root CA
};
// The compiled-in Intel root, plus `extra_roots_pem` (simulated roots) when given.
absl::StatusOr<TrustAnchors> MakeTrustAnchors(const std::vector<std::string>& extra_roots_pem);

struct ChainResult {
  bool intel_root = false;  // anchored at the real Intel SGX Root CA
  X509* anchor = nullptr;   // borrowed from the TrustAnchors
};

// Validates chain[0] through chain[1..] to one of `anchors` at time `now`. Certificates of the
// chain equal to a root are ignored (the root is always the pinned one). With `crls`, every
// certificate below the root must be covered by a CRL and not be listed. Errors carry kinds
// kChain, kExpired, kRevoked or kCertificate.
absl::StatusOr<ChainResult> VerifyIntelChain(const CertChain& chain, const TrustAnchors& anchors,
                                             absl::Time now,
                                             const std::vector<X509_CRL*>& crls = {});

// SGX extensions of a PCK certificate (Intel SGX PCK Certificate and CRL Profile).
struct PckExtensions {
  Bytes ppid;  // 16
  uint8_t sgx_tcb_comp[16] = {};
  uint16_t pcesvn = 0;
  Bytes cpusvn;  // 16
  Bytes pceid;   // 2
  Bytes fmspc;   // 6
  int sgx_type = 0;
};
absl::StatusOr<PckExtensions> ParsePckExtensions(X509* pck);

// The raw EC P-256 public key of `cert` must verify `sig` (r||s, 64 bytes) over SHA-256(msg).
absl::Status VerifyP256RawSignature(EVP_PKEY* key, ByteSpan msg, ByteSpan sig);
// 64-byte X||Y (no 0x04 prefix) as a P-256 EVP_PKEY.
absl::StatusOr<crypto::EvpPkeyPtr> P256KeyFromRaw(ByteSpan xy);

}  // namespace c8s::attest
