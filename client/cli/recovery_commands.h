// `c8sctl backup` (export the CDS's encrypted storage objects over the verified channel) and
// `c8sctl recover` (after the loss of every replica: verify the sealed CDS's c8s/recover/v1
// evidence, open the owner's recovery envelope, send the seed sealed to the key the CDS
// proved it holds, then verify that the recovered CDS is the pinned cluster with its history).
#pragma once

#include "client/cli/command.h"

namespace c8s::cli {

void RegisterRecoveryCommands(CLI::App& app, CommandContext& ctx);

}  // namespace c8s::cli
