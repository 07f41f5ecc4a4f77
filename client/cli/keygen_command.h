// `c8sctl keygen`: owner keys, each for one role (ARCHITECTURE.md §4 "Key types"): an owner
// signing key (P-256 or Ed25519) approves manifests, a recovery key (X25519, HPKE) receives
// the CDS seed for `c8sctl recover`.
#pragma once

#include "client/cli/command.h"

namespace c8s::cli {

void RegisterKeygenCommands(CLI::App& app, CommandContext& ctx);

}  // namespace c8s::cli
