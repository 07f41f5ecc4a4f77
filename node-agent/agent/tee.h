// Which TEE the agent draws evidence from (`--tee=auto|snp|tdx|simulated`): auto takes what the
// CVM offers (configfs-tsm, then /dev/sev-guest) and never falls back to simulation; snp and
// tdx insist on that platform; simulated (development) keeps its simulated SEV-SNP chain in a
// state file, so that a restarted agent presents the chain a CDS was told to trust, and writes
// the chain's root next to it ("<state file>.ark.pem", for `c8s-cds --simulated-root`).
//
//   ASSIGN_OR_RETURN(auto provider, OpenEvidenceProvider(TeeMode::kAuto, ""));
#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "lib/attest/evidence.h"
#include "node-agent/agent/config.h"

namespace c8s::agent {

absl::StatusOr<std::unique_ptr<attest::EvidenceProvider>> OpenEvidenceProvider(
    TeeMode mode, const std::string& simulated_state_file);

// Platform-checking wrapper: evidence of another platform than `want` is an error.
std::unique_ptr<attest::EvidenceProvider> RequirePlatform(
    std::unique_ptr<attest::EvidenceProvider> inner, attest::Platform want);

}  // namespace c8s::agent
