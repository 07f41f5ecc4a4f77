// The public AMD SEV-SNP root and intermediate certificates, compiled into the library.
//
// Verification trusts only these ARKs (plus simulated roots a caller passes explicitly). The
// ASK/ASVK intermediates are included so that a VCEK alone suffices; they are still verified
// against the ARK like any certificate from the evidence.
//   for (const AmdCert& c : AmdCertificates()) if (c.kind == AmdCertKind::kArk) ...
#pragma once

#include <span>
#include <string_view>

namespace c8s::attest {

enum class AmdCertKind { kArk, kAsk, kAsvk };

struct AmdCert {
  std::string_view product;  // "Milan", "Genoa", "Turin"
  AmdCertKind kind;
  std::string_view pem;
};

// ARK, ASK and ASVK for Milan, Genoa and Turin (from AMD's KDS cert_chain endpoints).
std::span<const AmdCert> AmdCertificates();

}  // namespace c8s::attest
