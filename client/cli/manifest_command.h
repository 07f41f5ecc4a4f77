#pragma once

#include "client/cli/command.h"

namespace c8s::cli {

// Offline manifest tools (no CDS needed):
//   c8sctl manifest hash|canonical|validate FILE
//   c8sctl manifest diff OLD NEW
//   c8sctl manifest sign-approval --manifest F --key K.pem --owner N --cluster sha256:..
//                                 --generation N --previous sha256:.. --out F [--active F]
//   c8sctl manifest verify-history FILE --ca CERT_OR_PUBKEY [--manifest F ...] [--seen G:HASH]
// Exit 0 ok, 1 a check failed, 2 usage or input error.
void RegisterManifestCommands(CLI::App& app, CommandContext& ctx);

}  // namespace c8s::cli
