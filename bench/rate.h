// Operations per second of a baseline operation, for the same-run figures every benchmark
// prints next to its own (P-384 verify, P-256 sign, ...).
#pragma once

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>

namespace c8s::bench {

// Runs `op` for about `seconds` after a short warm-up; exits the benchmark if `op` fails,
// since a baseline that failed would make every figure beside it meaningless.
inline double Rate(double seconds, const std::function<bool()>& op) {
  using Clock = std::chrono::steady_clock;
  for (int i = 0; i < 3; ++i) op();
  long n = 0;
  auto start = Clock::now();
  double elapsed = 0;
  while (elapsed < seconds) {
    for (int i = 0; i < 16; ++i) {
      if (!op()) {
        std::fprintf(stderr, "baseline operation failed\n");
        std::exit(2);
      }
    }
    n += 16;
    elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  }
  return static_cast<double>(n) / elapsed;
}

}  // namespace c8s::bench
