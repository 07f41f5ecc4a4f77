// The node agent's configuration file (`c8s-node-agent run --config FILE`), part of the node's
// measured image: JSON, strict (unknown fields and wrong types are errors naming the path).
//
//   {"apiVersion": "c8s.dev/node-agent-config/v1", "nodeName": "node-1",
//    "nodeAddress": "10.0.0.11", "trustDomain": "prod.example.com", "tee": "auto",
//    "cds": {"address": "10.0.0.5:7443", "referenceValues": {"cds": {...}, "images": [...]}},
//    "bootstrap": {"apiVersion": "c8s.dev/bootstrap-allow-list/v1", "entries": [...]}}
//
//   ASSIGN_OR_RETURN(AgentConfig config, LoadAgentConfig("/etc/c8s/node-agent.json"));
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "client/sdk/reference_values.h"
#include "lib/manifest/bundle.h"
#include "node-agent/admission/bootstrap.h"
#include "node-agent/hook/runtime_check.h"

namespace c8s::agent {

inline constexpr std::string_view kAgentConfigApiVersion = "c8s.dev/node-agent-config/v1";

enum class TeeMode { kAuto, kSnp, kTdx, kSimulated };
absl::StatusOr<TeeMode> ParseTeeMode(std::string_view name);  // auto, snp, tdx, simulated
std::string_view TeeModeName(TeeMode mode);

struct CdsConfig {
  std::string address;  // host:port of the CDS
  // What the CDS must prove (client/sdk reference-values document: hardware policies, CDS
  // image digests, pod refs): the agent attests the CDS and pins the CA it attested.
  std::optional<client::CdsReferenceValues> reference_values;
  std::vector<std::string> simulated_roots;  // PEM files: roots of simulated CDS evidence
  // Development only, exclusive with reference_values: a CA file pinned without attesting.
  std::string ca_file;
};

struct ContainerdConfig {
  std::string address = "/run/containerd/containerd.sock";
  std::string ns = "k8s.io";
  bool watch_events = true;
};

struct NriConfig {
  bool enabled = true;
  std::string socket = "/var/run/nri/nri.sock";  // connect mode; "" = pre-launched (fd 3)
};

// The eBPF data plane (node-agent/ebpf Supervisor) the agent hosts.
struct BpfConfig {
  bool enabled = false;
  std::string pin_root = "/sys/fs/bpf/c8s";
  std::vector<std::string> uplinks;          // explicit uplink interfaces
  std::vector<std::string> uplink_patterns;  // fnmatch globs, e.g. "eth*"
  bool default_route_uplinks = true;         // interfaces carrying a default route are uplinks
  std::optional<std::vector<std::string>> pod_patterns;  // pods' host-side ends (default veth*...)
  std::string pod_cgroup;
  std::string proxy_cgroup;
  std::string redirect;     // mesh outbound listener ip:port ("" = none)
  std::string redirect_v6;  // its IPv6 address ("" = none)
  uint16_t kubelet_port = 10250;
  std::vector<uint16_t> ingress_ports;
  // What passes before the first verified bundle (besides the CDS address, added when it is an
  // ip:port): the API server, DNS, metadata, time, mesh CIDRs of this node's cluster.
  manifest::BundleInfrastructure bootstrap;
};

struct AgentConfig {
  std::string node_name;
  std::string node_address;
  uint32_t mesh_port = 15443;
  std::string trust_domain;
  TeeMode tee = TeeMode::kAuto;
  std::string simulated_state_file;  // tee=simulated: the simulated platform, kept across restarts
  CdsConfig cds;
  std::string state_dir = "/run/c8s/agent";
  std::string hook_socket = "/run/c8s/agent/hook.sock";
  std::string pod_socket = "/run/c8s/pod/agent.sock";
  std::string http_listen = "127.0.0.1:9464";  // /metrics, /healthz, /readyz; "" = off
  ContainerdConfig containerd;
  NriConfig nri;
  BpfConfig bpf;
  hook::VolumeRoots volume_roots;
  std::vector<std::vector<std::string>> sandbox_commands = {{"/pause"}};
  admission::BootstrapAllowList bootstrap;
  std::string log_level = "info";
};

absl::StatusOr<AgentConfig> ParseAgentConfig(std::string_view text);
absl::StatusOr<AgentConfig> LoadAgentConfig(const std::string& path);

}  // namespace c8s::agent
