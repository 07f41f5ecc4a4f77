// Test and benchmark only: a gRPC peer verifier that accepts any server certificate. For the
// one step where an owner has nothing to pin yet (reading the CA from a CDS it started
// itself); everything after it is checked by what the CDS signs.
#pragma once

#include "lib/base/status.h"
#include "lib/crypto/tls.h"
#include "lib/crypto/x509.h"

namespace c8s::testing {

class BootstrapVerifier : public crypto::PeerVerifier {
 public:
  absl::StatusOr<crypto::VerifiedPeer> Verify(const std::vector<Bytes>& chain) const override {
    if (chain.empty()) return absl::UnauthenticatedError("no server certificate");
    ASSIGN_OR_RETURN(crypto::Certificate leaf, crypto::Certificate::FromDer(chain[0]));
    return crypto::VerifiedPeer{leaf, {leaf}, "", {}};
  }
};

}  // namespace c8s::testing
