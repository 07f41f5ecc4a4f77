// Operations per CPU-second of a baseline operation, for the same-run figures every benchmark
// prints next to its own (P-384 verify, P-256 sign, ...).
//
// CPU time, not wall time: every goal compares the baseline with a process's CPU time
// (getrusage), and on a shared virtual machine the wall clock also counts the time the host
// gives to other guests (steal), which moved a wall-clock P-384 rate by +-30% between runs
// minutes apart while the CPU-time rate stayed within a few percent.
#pragma once

#include <time.h>

#include <cstdio>
#include <cstdlib>
#include <functional>

namespace c8s::bench {

inline double ThreadCpuSeconds() {
  timespec ts{};
  ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

// Runs `op` for about `seconds` of this thread's CPU time after a short warm-up; exits the
// benchmark if `op` fails, since a baseline that failed would make every figure beside it
// meaningless.
inline double Rate(double seconds, const std::function<bool()>& op) {
  for (int i = 0; i < 3; ++i) op();
  long n = 0;
  double start = ThreadCpuSeconds();
  double elapsed = 0;
  while (elapsed < seconds) {
    for (int i = 0; i < 16; ++i) {
      if (!op()) {
        std::fprintf(stderr, "baseline operation failed\n");
        std::exit(2);
      }
    }
    n += 16;
    elapsed = ThreadCpuSeconds() - start;
  }
  return static_cast<double>(n) / elapsed;
}

}  // namespace c8s::bench
