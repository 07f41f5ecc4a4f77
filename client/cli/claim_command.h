// `c8sctl claim`: make the verified, unclaimed CDS the owner's: send the first manifest with
// an approval statement (generation 1) signed by an owner listed in that manifest.
#pragma once

#include "client/cli/command.h"

namespace c8s::cli {

void RegisterClaimCommands(CLI::App& app, CommandContext& ctx);

}  // namespace c8s::cli
