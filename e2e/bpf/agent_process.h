// The `c8s-node-agent bpf ...` binary as child processes of the test, and the cluster fixture
// built on it: topology, policy bundle, node 1's pin root, the pinned maps, the wire capture.
// The destructor uninstalls (detaches every link, removes every pin) before the namespaces and
// cgroups go away, also when a check failed half-way.
//   Cluster c;                 // namespaces, cgroups, capture; nothing installed yet
//   c.InstallAndApply();       // agent install + update-policy on node 1
//   CHECK(c.Count(C8S_DIR_EGRESS, C8S_R_DENY_NO_RULE) > 0);
#pragma once

#include <sys/types.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "e2e/bpf/netns_topology.h"
#include "e2e/bpf/wire_capture.h"
#include "node-agent/ebpf/policy_maps.h"
#include "test/support/test_env.h"

namespace c8s::e2e {

inline constexpr uint16_t kMeshPort = 15443;      // node-1/node-2 mesh inbound port
inline constexpr uint16_t kListenerPort = 15001;  // node 1's mesh outbound listener (the "proxy")
inline constexpr uint16_t kAllowedPort = 8443;    // egress rule: 10.0.0.12/32 TCP 8443

// Forks c8s-node-agent with `args` inside network namespace `netns` ("" = ours); its stdout
// goes to *stdout_fd's pipe when given.
pid_t StartAgent(const std::string& netns, const std::vector<std::string>& args, int* stdout_fd);
// Runs it to completion; its exit code; stdout in *out when given.
int RunAgent(const std::string& netns, const std::vector<std::string>& args, std::string* out);

class Cluster {
 public:
  Cluster();
  ~Cluster();
  Cluster(const Cluster&) = delete;
  Cluster& operator=(const Cluster&) = delete;

  std::vector<std::string> InstallArgs() const;
  // `bpf install` on node 1 (uplink eth0, socket hooks on the pods' parent cgroup), then
  // `bpf update-policy` with the test bundle; opens the pinned maps.
  void InstallAndApply();
  uint64_t Count(uint32_t dir, uint32_t reason) const;
  // Pinned link name -> kernel link id, from the loader's status.
  std::map<std::string, uint32_t> LinkIds() const;

  Topology topo;
  testing::TempDir dir;
  std::string pin_root;
  std::unique_ptr<ebpf::PolicyMaps> maps;
  WireCapture wire;
};

}  // namespace c8s::e2e
