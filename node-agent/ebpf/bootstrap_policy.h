// The policy a node enforces before it has verified its first policy bundle: only the node's
// own traffic to its infrastructure (CDS, API server, DNS, metadata, time; the kubelet port
// from the API server inbound), taken from the agent's configuration, so that the agent can
// attest and join. No mesh peers, no egress rules, no meshed ranges: everything else fails
// closed. It is generation 0, so any verified bundle (generation >= 1) replaces it and a
// restarted agent never puts it back over an enforced bundle.
//   ASSIGN_OR_RETURN(CompiledPolicy p, CompileBootstrapPolicy(config.bootstrap, node));
//   RETURN_IF_ERROR(maps.Apply(p));
#pragma once

#include "absl/status/statusor.h"
#include "lib/manifest/bundle.h"
#include "node-agent/ebpf/policy_compiler.h"

namespace c8s::ebpf {

inline constexpr uint64_t kBootstrapGeneration = 0;

// The bootstrap policy as a bundle of generation 0 (the same compiler path as every bundle).
manifest::PolicyBundle BootstrapBundle(const manifest::BundleInfrastructure& infrastructure);
// Compiled for this node; bad endpoints are refused naming the list and entry. The node's mesh
// port stays closed (no peers are known yet); node.node_name is ignored.
absl::StatusOr<CompiledPolicy> CompileBootstrapPolicy(
    const manifest::BundleInfrastructure& infrastructure, NodeSettings node);

}  // namespace c8s::ebpf
