// What a c8s-node-agent command group needs: the CLI11 app to add subcommands to and the output
// streams. A subcommand's callback stores its exit code in `ctx.exit_code`.
#pragma once

#include <CLI/CLI.hpp>
#include <ostream>

namespace c8s::node_agent {

struct CommandContext {
  std::ostream& out;
  std::ostream& err;
  int exit_code = 0;
};

// One line per command group; register.cc calls them.
void RegisterAllCommands(CLI::App& app, CommandContext& ctx);
void RegisterBpfCommands(CLI::App& app, CommandContext& ctx);
void RegisterNriCommands(CLI::App& app, CommandContext& ctx);
void RegisterRunCommands(CLI::App& app, CommandContext& ctx);

}  // namespace c8s::node_agent
