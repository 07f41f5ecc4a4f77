// `c8sctl verify`: verify the attested CDS with a fresh nonce against expected reference
// values, pin its CA, check its signed history and claimed state against what the owner
// expects, and save CA + sealing key + manifest + history head in the state directory.
#pragma once

#include "client/cli/command.h"

namespace c8s::cli {

void RegisterVerifyCommands(CLI::App& app, CommandContext& ctx);

}  // namespace c8s::cli
