// A simulated SEV-SNP platform shared by several processes through a directory (replicas of
// a test cluster, benchmark node agents): created once, loaded by the others, so that all
// their evidence verifies under one simulated ARK. Development and tests only.
//
//   ASSIGN_OR_RETURN(auto sim, LoadOrCreateSimulatedSnp("/tmp/sim"));   // ark.pem, ask.pem, ...
#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "lib/attest/simulated_snp.h"

namespace c8s::cds {

absl::StatusOr<std::unique_ptr<attest::SimulatedSnp>> LoadOrCreateSimulatedSnp(
    const std::string& dir, const attest::SimulatedSnpConfig& config = {});
absl::StatusOr<std::unique_ptr<attest::SimulatedSnp>> LoadSimulatedSnp(
    const std::string& dir, const attest::SimulatedSnpConfig& config = {});

}  // namespace c8s::cds
