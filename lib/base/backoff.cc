#include "lib/base/backoff.h"

#include <algorithm>

namespace c8s {

Backoff::Backoff(BackoffOptions options, uint64_t seed)
    : options_(options), current_(options.initial), rng_(seed) {}

absl::Duration Backoff::Next() {
  absl::Duration base = current_;
  current_ = std::min(options_.max, current_ * options_.multiplier);
  ++attempts_;
  double jitter = std::clamp(options_.jitter, 0.0, 1.0);
  std::uniform_real_distribution<double> dist(1.0 - jitter, 1.0);
  return base * dist(rng_);
}

void Backoff::Reset() {
  current_ = options_.initial;
  attempts_ = 0;
}

}  // namespace c8s
