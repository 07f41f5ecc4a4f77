#include "cds/peer_cache.h"

#include <algorithm>

#include "lib/crypto/hash.h"

namespace c8s::cds {

absl::StatusOr<crypto::VerifiedPeer> CachingPeerVerifier::Verify(
    const std::vector<Bytes>& chain_der) const {
  Bytes all;
  for (const Bytes& c : chain_der) {
    // Length-prefixed so that two different chains never concatenate to the same bytes.
    for (int i = 3; i >= 0; --i) all.push_back(static_cast<uint8_t>(c.size() >> (8 * i)));
    Append(all, c);
  }
  Bytes digest = crypto::Sha256(all);
  return Cached("der:" + std::string(AsChars(digest)), [&] { return inner_->Verify(chain_der); });
}

absl::StatusOr<crypto::VerifiedPeer> CachingPeerVerifier::VerifyPem(
    std::string_view leaf_pem, std::string_view chain_pem) const {
  // The texts themselves are the key (compared whole, so no collision can pass one chain off
  // as another): a hit costs neither base64 decoding nor a digest.
  std::string key = "pem:";
  key.reserve(4 + 10 + leaf_pem.size() + chain_pem.size());
  key += std::to_string(leaf_pem.size());
  key += ':';
  key += leaf_pem;
  key += chain_pem;
  return Cached(key, [&] { return inner_->VerifyPem(leaf_pem, chain_pem); });
}

absl::StatusOr<crypto::VerifiedPeer> CachingPeerVerifier::Cached(
    const std::string& key,
    const std::function<absl::StatusOr<crypto::VerifiedPeer>()>& verify) const {
  absl::Time now = clock_.Now();
  {
    std::lock_guard lock(mu_);
    auto it = cache_.find(key);
    if (it != cache_.end()) {
      if (now < it->second.valid_until && now >= it->second.peer.leaf.NotBefore()) {
        return it->second.peer;
      }
      cache_.erase(it);
    }
  }
  absl::StatusOr<crypto::VerifiedPeer> peer = verify();
  if (!peer.ok()) return peer;  // refusals are not cached: they are cheap to repeat and rare
  absl::Time until = std::min(peer->leaf.NotAfter(), now + max_age_);
  std::lock_guard lock(mu_);
  if (cache_.size() >= capacity_) cache_.clear();
  cache_.insert_or_assign(key, Entry{*peer, until});
  return peer;
}

}  // namespace c8s::cds
