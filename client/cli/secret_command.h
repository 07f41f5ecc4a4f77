// `c8sctl secret seal`: HPKE-seal a secret value to the sealing key the verified CDS attested
// (lib/manifest/sealing.h), producing the manifest secret's `sealed` source.
#pragma once

#include "client/cli/command.h"

namespace c8s::cli {

void RegisterSecretCommands(CLI::App& app, CommandContext& ctx);

}  // namespace c8s::cli
