// A peer verifier that accepts any certificate and reports its leaf, for channels whose peer
// is proven by something else: CDS replicas by the evidence bound to the TLS exporter (the
// hello decides), and an owner's first read of a CDS it has nothing pinned for yet (what it
// reads is then checked against evidence or signatures). Never the authentication of a
// channel by itself.
#pragma once

#include "lib/base/status.h"
#include "lib/crypto/tls.h"
#include "lib/crypto/x509.h"

namespace c8s::crypto {

class AnyCertificateVerifier : public PeerVerifier {
 public:
  absl::StatusOr<VerifiedPeer> Verify(const std::vector<Bytes>& chain) const override {
    if (chain.empty()) return absl::UnauthenticatedError("no certificate");
    ASSIGN_OR_RETURN(Certificate leaf, Certificate::FromDer(chain[0]));
    return VerifiedPeer{leaf, {leaf}, "", {}};
  }
};

}  // namespace c8s::crypto
