// Where one node join's CDS time goes, measured in this process on the same inputs the
// agents send (fresh key, CSR, challenge and evidence per join): microseconds per step,
// next to one P-384 verify. What is left of the process measurement is gRPC, TLS and the
// kernel.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "bench/cds/bench_cds.h"

namespace c8s::bench {

std::vector<std::pair<std::string, double>> JoinBreakdown(attest::SimulatedSnp& tee, int n);

}  // namespace c8s::bench
