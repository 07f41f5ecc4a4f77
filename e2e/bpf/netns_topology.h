// A two-node cluster in network namespaces for the eBPF end-to-end tests.
//
//   [pod p1 10.244.1.2]--veth--[node n1 10.0.0.11 eth0]--veth--[bridge ns br0]--veth--
//   [node n2 10.0.0.12 eth0]--veth--[pod p2 10.244.2.2]
// and the same in IPv6: nodes fd00::11/fd00::12, pods fd00:244:<n>::2 behind fd00:244:<n>::1.
// Each pod is a network namespace plus a cgroup v2 group under <cgroup2 mount>/c8s-e2e-<pid>
// (the pods' parent, where the agent attaches its socket hooks). Everything the constructor
// creates is removed by the destructor, also when construction fails half-way.
//   Topology t;
//   pid_t pid = t.StartInPod(t.pod1, [] { return ConnectErrno(...); });
//   int code = WaitChild(pid);
#pragma once

#include <sys/types.h>

#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace c8s::e2e {

// Runs cleanup actions in reverse order of registration on destruction.
class Cleanups {
 public:
  ~Cleanups();
  void Add(std::function<void()> fn) { fns_.push_back(std::move(fn)); }

 private:
  std::vector<std::function<void()>> fns_;
};

// Moves the calling thread into a network namespace and back on destruction.
class InNetns {
 public:
  explicit InNetns(const std::string& name);
  ~InNetns();
  InNetns(const InNetns&) = delete;
  InNetns& operator=(const InNetns&) = delete;

 private:
  int original_ = -1;
};

// Runs a shell command; fails the current test (with the command) when it exits non-zero.
void Sh(const std::string& cmd);
// Opens /run/netns/<name> (O_CLOEXEC); -1 on failure.
int OpenNetns(const std::string& name);
// Waits for a child; its exit code, or 128 + signal. Kills it after timeout_ms.
int WaitChild(pid_t pid, int timeout_ms = 10000);

struct Pod {
  std::string netns;
  std::string cgroup;    // absolute path of its cgroup v2 group
  std::string ip;        // 10.244.<node>.2
  std::string gateway;   // the node side of its veth, 10.244.<node>.1
  std::string ip6;       // fd00:244:<node>::2
  std::string gateway6;  // fd00:244:<node>::1
};

class Topology {
 public:
  Topology();
  ~Topology();  // kills pod children still running, then the cleanups run
  Topology(const Topology&) = delete;
  Topology& operator=(const Topology&) = delete;

  // Forks a child that joins the pod's cgroup and network namespace and exits with fn().
  pid_t StartInPod(const Pod& pod, const std::function<int()>& fn) const;
  int RunInPod(const Pod& pod, const std::function<int()>& fn) const {
    return WaitChild(StartInPod(pod, fn));
  }

  Cleanups cleanups;   // first member: destroyed last, after everything that uses it
  std::string prefix;  // c8s-<pid>
  std::string bridge_ns, node1_ns, node2_ns;
  std::string pods_cgroup;   // the pods' parent cgroup
  std::string proxy_cgroup;  // stands in for the mesh proxy's cgroup
  Pod pod1, pod2;
  std::array<uint8_t, 6> pod1_gateway_mac{};  // node 1's side of pod 1's veth

 private:
  mutable std::vector<pid_t> children_;  // a failed check may leave one running
};

}  // namespace c8s::e2e
