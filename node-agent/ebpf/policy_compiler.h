// Compiles a PolicyBundle into the entries of the c8s policy maps (without the slot byte,
// which the map writer fills in for the inactive slot).
//
// Egress rules become one LPM prefix per distinct CIDR, each pointing at a rule set that holds
// the union of the (protocol, port) pairs of every rule whose CIDR contains it, so the
// longest-prefix match alone decides: one trie lookup + <= 2 hash lookups per packet. Egress
// infrastructure endpoints and peers' mesh ports are host prefixes in the same trie, their
// (protocol, port) entries carrying the infrastructure kind (a mesh port is never a rule).
//   ASSIGN_OR_RETURN(CompiledPolicy p, CompilePolicy(bundle, NodeSettings{...}));
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "bpf/shared/c8s_structs.h"
#include "node-agent/ebpf/policy_bundle.h"

namespace c8s::ebpf {

// Node-local facts the bundle does not carry.
struct NodeSettings {
  std::string node_name;           // this node in bundle.nodes (its meshPort is the inbound port)
  uint64_t proxy_cgroup_id = 0;    // cgroup v2 id of the mesh proxy
  uint64_t pods_cgroup_id = 0;     // the pods' parent cgroup v2 id (0: unknown)
  uint32_t pods_cgroup_level = 0;  // its depth below the cgroup2 root (root = 0)
  Endpoint redirect;               // mesh outbound listener (IPv4); port 0 = none
  IpAddr redirect_v6{6, {}};       // IPv6 listener address, all zero = none
  uint16_t kubelet_port = 10250;   // ingress from the API server addresses
  std::vector<uint16_t> ingress_ports;  // extra TCP ports open to any source
};

struct CompiledPolicy {
  uint64_t generation = 0;
  c8s_slot_config config{};
  std::vector<std::pair<c8s_lpm_key, c8s_lpm_value>> rules;
  std::vector<std::pair<c8s_port_key, c8s_port_value>> ports;
  std::vector<std::pair<c8s_infra_key, c8s_infra_value>> infra;
  std::vector<c8s_lpm_key> mesh_cidrs;
};

absl::StatusOr<CompiledPolicy> CompilePolicy(const PolicyBundle& bundle,
                                             const NodeSettings& node);

// LPM key for a CIDR (slot 0); exposed for tests and the benchmark.
c8s_lpm_key LpmKeyFor(const Cidr& cidr);

}  // namespace c8s::ebpf
