// Installs, inspects, updates and removes the c8s eBPF data plane on a node.
//
// Everything lives under a bpffs pin root (default /sys/fs/bpf/c8s): maps/ (pinned by name) and
// links/ (one TCX link per uplink or pod interface and direction, one cgroup link per socket
// hook; see loader.h for the names). Pinned links
// keep the programs attached when the agent exits (fail closed); Install() on a node that
// already has them re-adopts each link and swaps in the freshly loaded program atomically.
//   InstallOptions o; o.uplinks = {"eth0"}; o.pod_cgroup = "kubepods";
//   RETURN_IF_ERROR(Install(o));
//   RETURN_IF_ERROR(UpdatePolicy(o.pin_root, compiled));
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "bpf/shared/c8s_structs.h"
#include "node-agent/ebpf/policy_compiler.h"
#include "node-agent/ebpf/policy_maps.h"

namespace c8s::ebpf {

inline constexpr char kDefaultPinRoot[] = "/sys/fs/bpf/c8s";

struct InstallOptions {
  std::string pin_root = kDefaultPinRoot;
  std::vector<std::string> uplinks;  // interface names; TC programs go first on each
  std::vector<std::string> pod_interfaces;  // pods' host-side interfaces
  std::string pod_cgroup;  // pods' parent cgroup (absolute, or relative to the cgroup2 mount)
  uint64_t events_per_sec = 100;
  uint32_t ct_entries = 0;  // c8s_ct capacity, 0: C8S_MAX_CT
};

struct LinkStatus {
  std::string name;    // pin file name, e.g. "tc-eth0-egress"
  uint32_t prog_id = 0;
  uint32_t link_id = 0;
  std::string target;  // "ifindex 3 egress", "cgroup 1234"
  bool first = true;   // TCX: our program runs first on the hook
  std::string problem; // non-empty: displaced or stale
};

struct DataPlaneStatus {
  c8s_state state{};
  std::vector<LinkStatus> links;
  std::vector<CounterRow> counters;
};

absl::Status Install(const InstallOptions& opts);
// "/sys/fs/cgroup/kubepods" as given; "kubepods" relative to the cgroup2 mount.
absl::StatusOr<std::string> ResolveCgroup(const std::string& path);
absl::Status UpdatePolicy(const std::string& pin_root, const CompiledPolicy& policy);
// State, counters and every pinned link (logs a warning per link problem).
absl::StatusOr<DataPlaneStatus> GetStatus(const std::string& pin_root);
// The pinned links only, without logging (for metrics and displacement checks).
std::vector<LinkStatus> InspectLinks(const std::string& pin_root);
std::string FormatStatus(const DataPlaneStatus& status);
// Detaches every link and removes every pin under pin_root.
absl::Status Uninstall(const std::string& pin_root);

}  // namespace c8s::ebpf
