// What `c8sctl verify` prints once every check passed: the attested party, what its evidence
// covers (the assurance level of ARCHITECTURE.md §1), the pinned CA and sealing key, and the
// verified state; and the loud warnings an owner must not miss (Automatic mode, simulated).
//
//   PrintVerifySummary(ctx.out, verified, session, state_dir_path);
//   PrintWarnings(ctx.err, verified, mode);
#pragma once

#include <ostream>
#include <string>

#include "client/sdk/cds_attestation.h"
#include "client/sdk/cds_session.h"
#include "lib/attest/claims.h"

namespace c8s::cli {

// One line: what the launch measurement covers on this platform, and what it does not.
std::string AssuranceDescription(attest::AssuranceLevel level);

struct VerifySummary {
  const client::VerifiedCds& cds;
  const client::HistoryCheck& history;
  const std::vector<manifest::SignedHistoryEntry>& entries;
  std::string target;
  std::string state_dir;
  std::string active_hash;  // empty when unclaimed
  manifest::ApprovalMode mode = manifest::ApprovalMode::kOwner;
};

void PrintVerifySummary(std::ostream& out, const VerifySummary& s);
void PrintVerifyWarnings(std::ostream& err, const VerifySummary& s);

}  // namespace c8s::cli
