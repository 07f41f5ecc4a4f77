// What a c8sctl command group needs: the CLI11 app to add subcommands to, the output streams,
// and how to reach a CDS (null when c8sctl was built without gRPC: online commands say so).
// A subcommand's callback stores its exit code in `ctx.exit_code`.
#pragma once

#include <CLI/CLI.hpp>
#include <ostream>

#include "client/sdk/cds_client.h"

namespace c8s::cli {

struct CommandContext {
  std::ostream& out;
  std::ostream& err;
  int exit_code = 0;
  client::CdsConnector connect = nullptr;
};

}  // namespace c8s::cli
