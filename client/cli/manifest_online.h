// The online `c8sctl manifest` subcommands, over the channel pinned by `c8sctl verify`:
//   pending   show the newest (or --hash) pending proposal
//   diff      readable diff of a pending proposal against the active manifest (without OLD NEW)
//   approve   sign the approval statement for a pending proposal with an owner key
//   history   fetch and verify the history (chain, CA signatures, owner signatures)
#pragma once

#include <string>

#include "client/cli/command.h"
#include "client/cli/online.h"

namespace c8s::cli {

void RegisterManifestOnlineCommands(CLI::App* group, CommandContext& ctx);
// `manifest diff` without files: pending (or `hash`) against active.
int OnlineDiff(const OnlineFlags& flags, const std::string& hash, CommandContext& ctx);

}  // namespace c8s::cli
