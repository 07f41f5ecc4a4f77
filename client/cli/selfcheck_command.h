#pragma once

#include "client/cli/command.h"

namespace c8s::cli {

// `c8sctl selfcheck`: runs the named self-checks (see selfcheck.h).
void RegisterSelfCheckCommands(CLI::App& app, CommandContext& ctx);

}  // namespace c8s::cli
