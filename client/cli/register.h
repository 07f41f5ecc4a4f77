// The list of c8sctl command groups. Add one line per group here and in register.cc.
#pragma once

#include "client/cli/command.h"

namespace c8s::cli {

void RegisterAllCommands(CLI::App& app, CommandContext& ctx);

}  // namespace c8s::cli
