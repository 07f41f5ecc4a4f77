#include "client/cli/register.h"

namespace c8s::cli {

void RegisterAllCommands(CLI::App& app, CommandContext& ctx) {
  (void)app;
  (void)ctx;
}

}  // namespace c8s::cli
