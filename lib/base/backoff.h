// Exponential backoff with full jitter, for retries against the CDS, the API server and peers.
//
//   Backoff backoff({.initial = absl::Milliseconds(100), .max = absl::Seconds(30)});
//   while (!Connect().ok()) sleep(backoff.Next());
//   backoff.Reset();   // after a success
#pragma once

#include <cstdint>
#include <random>

#include "absl/time/time.h"

namespace c8s {

struct BackoffOptions {
  absl::Duration initial = absl::Milliseconds(100);
  absl::Duration max = absl::Seconds(30);
  double multiplier = 2.0;
  // Fraction of each delay drawn at random: 0 gives fixed delays, 1 "full jitter".
  double jitter = 0.2;
};

class Backoff {
 public:
  explicit Backoff(BackoffOptions options = {}, uint64_t seed = std::random_device{}());
  // The delay before the next attempt; grows until `max`.
  absl::Duration Next();
  // The delay Next() would return before jitter, for logs.
  absl::Duration current() const { return current_; }
  int attempts() const { return attempts_; }
  void Reset();

 private:
  BackoffOptions options_;
  absl::Duration current_;
  int attempts_ = 0;
  std::mt19937_64 rng_;
};

}  // namespace c8s
