// What a c8sctl command group needs: the CLI11 app to add subcommands to, and the output
// streams. A subcommand's callback stores its exit code in `ctx.exit_code`.
#pragma once

#include <CLI/CLI.hpp>
#include <ostream>

namespace c8s::cli {

struct CommandContext {
  std::ostream& out;
  std::ostream& err;
  int exit_code = 0;
};

}  // namespace c8s::cli
