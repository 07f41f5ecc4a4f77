#pragma once

#include "client/cli/command.h"

namespace c8s::cli {

// `c8sctl cert inspect FILE [--json]`: prints one or several certificates (PEM or DER) with
// their SANs and decoded c8s extensions. `c8sctl cert openssl-config`: an OpenSSL config that
// names the c8s OIDs for `openssl x509 -text`.
void RegisterCertCommands(CLI::App& app, CommandContext& ctx);

}  // namespace c8s::cli
