// A PeerVerifier that remembers verified chains (by SHA-256 of the presented DER, or by the
// PEM texts gRPC reports) until the leaf expires or a bound of time passes, so that a node
// agent's stream of mTLS calls costs one chain verification (an ECDSA verify) per
// connection, not per call. Revocation is never
// cached: callers check revoked serials themselves on every call.
//
//   auto callers = std::make_shared<CachingPeerVerifier>(
//       std::make_shared<crypto::CaPeerVerifier>(ca, clock), clock);
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "lib/base/clock.h"
#include "lib/crypto/tls.h"

namespace c8s::cds {

class CachingPeerVerifier : public crypto::PeerVerifier {
 public:
  CachingPeerVerifier(std::shared_ptr<const crypto::PeerVerifier> inner, const Clock& clock,
                      size_t capacity = 8192, absl::Duration max_age = absl::Minutes(10))
      : inner_(std::move(inner)), clock_(clock), capacity_(capacity), max_age_(max_age) {}
  absl::StatusOr<crypto::VerifiedPeer> Verify(const std::vector<Bytes>& chain_der) const override;
  absl::StatusOr<crypto::VerifiedPeer> VerifyPem(std::string_view leaf_pem,
                                                 std::string_view chain_pem) const override;

 private:
  absl::StatusOr<crypto::VerifiedPeer> Cached(
      const std::string& key,
      const std::function<absl::StatusOr<crypto::VerifiedPeer>()>& verify) const;
  struct Entry {
    crypto::VerifiedPeer peer;
    absl::Time valid_until;
  };
  std::shared_ptr<const crypto::PeerVerifier> inner_;
  const Clock& clock_;
  size_t capacity_;
  absl::Duration max_age_;
  mutable std::mutex mu_;
  mutable std::unordered_map<std::string, Entry> cache_;
};

}  // namespace c8s::cds
