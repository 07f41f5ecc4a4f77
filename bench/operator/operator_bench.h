// c8s-bench-operator, one run: c8s-kube-local in this process, the real c8s-cds as a child,
// the operator library (leader election on, production timings) in this process. The run
// applies the ConfidentialCluster and AttestationPolicy samples, waits for the first
// proposal, then creates N WorkloadIdentity objects and measures the time until the CDS
// acknowledged a proposal containing all N, and the watch-event -> reconcile latency of
// every event those creates caused.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace c8s::bench {

struct RunOptions {
  int objects = 1000;
  int writers = 4;  // parallel clients creating the objects
  std::string source_dir;
  std::string cds_binary;
};

struct RunResult {
  double seconds_to_proposal = 0;
  double create_seconds = 0;  // the creates alone (a floor for seconds_to_proposal)
  double reconcile_p50_ms = 0, reconcile_p99_ms = 0, reconcile_max_ms = 0;
  size_t latency_samples = 0;
  int proposals = 0;           // during the creates, the final one included
  double compile_ms = 0;       // one compile of the final N objects, thread CPU (baseline)
  double propose_ms = 0;       // one Propose of the final manifest to the CDS (baseline)
  double cpu_seconds = 0;      // this process (kube-local + operator + writers)
  double cds_cpu_seconds = 0;  // the c8s-cds child
  size_t manifest_bytes = 0;
};

absl::StatusOr<RunResult> RunOnce(const RunOptions& options);
// Compiles `options.objects` identities (the sample, renamed) `times` times, no servers; the
// best thread-CPU milliseconds of one compile.
absl::StatusOr<double> CompileLoop(const RunOptions& options, int times);

double Percentile(std::vector<double> v, double p);

}  // namespace c8s::bench
