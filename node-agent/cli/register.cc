#include "node-agent/cli/command.h"

namespace c8s::node_agent {

void RegisterAllCommands(CLI::App& app, CommandContext& ctx) {
  RegisterBpfCommands(app, ctx);
  RegisterNriCommands(app, ctx);
  RegisterRunCommands(app, ctx);
}

}  // namespace c8s::node_agent
