// `c8s-node-agent nri`: the plugin alone, enforcing one signed bundle read and verified at
// start (nodes where the agent's Policy.Watch is not running, and debugging). The whole agent
// (`c8s-node-agent run`) wires PluginRunner to its own policy store instead.
//
//   StandaloneOptions o{.policy_bundle = "/etc/c8s/bundle.json", .ca_cert = "/etc/c8s/ca.pem"};
//   return RunStandalone(o, shutdown);   // until SIGTERM, or the pre-launched connection ends
#pragma once

#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "lib/base/signals.h"
#include "node-agent/admission/decision.h"
#include "node-agent/nri/runner.h"

namespace c8s::nri {

struct StandaloneOptions {
  std::string socket;  // empty: pre-launched mode (fd from NRI_PLUGIN_SOCKET)
  std::string policy_bundle;
  std::string ca_cert;
  std::string trust_domain;        // empty: the bundle's own
  std::string bootstrap;           // optional bootstrap allow-list file
  std::string containerd_address;  // empty: tag references are refused
  std::string plugin_name;         // empty: default (external) / containerd's (pre-launched)
  std::string plugin_index;
  absl::Duration resolve_deadline = absl::Milliseconds(500);
};

// Creates the containerd images resolver (grpc_image_resolver.cc, or an error when built
// without gRPC). Declared here so that the standalone runner builds in both configurations.
using ResolverFactory =
    std::function<absl::StatusOr<std::unique_ptr<admission::ImageResolver>>(const std::string&)>;

absl::Status RunStandalone(const StandaloneOptions& options, const ResolverFactory& resolvers,
                           ShutdownSignal& shutdown);

}  // namespace c8s::nri
