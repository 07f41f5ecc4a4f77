// `c8sctl policy bundle`: derive and sign a node policy bundle offline with a given CA
// (air-gapped set-ups and tests; MANIFEST.md "Node policy bundle", lib/manifest bundle.h).
#pragma once

#include "client/cli/command.h"

namespace c8s::cli {

void RegisterPolicyCommands(CLI::App& app, CommandContext& ctx);

}  // namespace c8s::cli
