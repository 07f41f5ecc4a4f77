#include "cds/rate_limit.h"

#include <algorithm>

#include "lib/base/strings.h"

namespace c8s::cds {

bool RateLimiter::Take(Bucket& b, double rate, double burst, absl::Time now, bool commit) {
  if (rate <= 0) return true;
  if (b.tokens < 0) {  // a new bucket starts full
    b.tokens = burst;
    b.last = now;
  }
  double elapsed = std::max(0.0, absl::ToDoubleSeconds(now - b.last));
  double tokens = std::min(burst, b.tokens + elapsed * rate);
  if (tokens < 1) return false;
  if (commit) {
    b.tokens = tokens - 1;
    b.last = now;
  }
  return true;
}

absl::Status RateLimiter::Admit(std::string_view what, std::string_view peer) {
  absl::Time now = clock_.Now();
  std::lock_guard lock(mu_);
  if (!Take(global_, limit_.rate, limit_.burst, now, false)) {
    return absl::ResourceExhaustedError(
        StrCat("rate limit: ", what, " over ", static_cast<int64_t>(limit_.rate),
               "/s for all callers (burst ", static_cast<int64_t>(limit_.burst), ")"));
  }
  if (limit_.per_peer_rate > 0) {
    auto it = peers_.find(peer);
    if (it == peers_.end()) {
      if (peers_.size() >= limit_.max_peers) {
        // Forget buckets that have refilled completely: they hold no information.
        for (auto p = peers_.begin(); p != peers_.end();) {
          Bucket probe = p->second;
          bool full =
              absl::ToDoubleSeconds(now - probe.last) * limit_.per_peer_rate + probe.tokens >=
              limit_.per_peer_burst;
          p = full ? peers_.erase(p) : std::next(p);
        }
      }
      if (peers_.size() >= limit_.max_peers) {
        return absl::ResourceExhaustedError(
            StrCat("rate limit: ", what, ": too many distinct callers (", peers_.size(), ")"));
      }
      it = peers_.emplace(std::string(peer), Bucket{-1, now}).first;
    }
    if (!Take(it->second, limit_.per_peer_rate, limit_.per_peer_burst, now, true)) {
      return absl::ResourceExhaustedError(
          StrCat("rate limit: ", what, " over ", static_cast<int64_t>(limit_.per_peer_rate),
                 "/s from ", peer, " (burst ", static_cast<int64_t>(limit_.per_peer_burst), ")"));
    }
  }
  Take(global_, limit_.rate, limit_.burst, now, true);
  return absl::OkStatus();
}

std::string PeerAddress(std::string_view peer) {
  size_t colon = peer.find(':');
  std::string_view rest = colon == std::string_view::npos ? peer : peer.substr(colon + 1);
  if (!rest.empty() && rest.front() == '[') {
    size_t close = rest.find(']');
    return std::string(rest.substr(1, close == std::string_view::npos ? rest.npos : close - 1));
  }
  size_t last = rest.rfind(':');
  return std::string(last == std::string_view::npos ? rest : rest.substr(0, last));
}

}  // namespace c8s::cds
