// The long-running data plane (`c8s-node-agent bpf run`, the supervisor the agent daemon hosts)
// on node 1: it attaches the pod programs to pod 1's host-side interface by pattern, and a
// continuous packet generator in pod 1 leaks nothing while the daemon is killed with SIGKILL
// and started again; the new daemon re-adopts every pinned link and keeps the policy.
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <catch2/catch_test_macros.hpp>
#include <string>
#include <vector>

#include "e2e/bpf/agent_process.h"
#include "e2e/bpf/netns_topology.h"
#include "e2e/bpf/pod_actions.h"
#include "e2e/bpf/test_sockets.h"
#include "e2e/bpf/wire_capture.h"
#include "node-agent/ebpf/objects.h"
#include "test/support/test_env.h"

namespace c8s::e2e {
namespace {

// Starts `bpf run` on node 1 and waits (bounded) for its "running" line; its pid.
pid_t StartDaemon(const Cluster& c, int* out_fd) {
  std::vector<std::string> args = {"bpf",
                                   "--pin-root",
                                   c.pin_root,
                                   "run",
                                   "--uplink",
                                   "eth0",
                                   "--pod-cgroup",
                                   c.topo.pods_cgroup,
                                   "--pod-pattern",
                                   "p?h",
                                   "--no-default-route-uplinks"};
  pid_t pid = StartAgent(c.topo.node1_ns, args, out_fd);
  std::string seen;
  for (int i = 0; i < 200 && seen.find("data plane running") == std::string::npos; ++i) {
    pollfd p{*out_fd, POLLIN, 0};
    if (::poll(&p, 1, 100) != 1) continue;
    char buf[512];
    ssize_t n = ::read(*out_fd, buf, sizeof(buf));
    if (n <= 0) break;
    seen.append(buf, static_cast<size_t>(n));
  }
  INFO("daemon stdout: " << seen);
  REQUIRE(seen.find("data plane running") != std::string::npos);
  return pid;
}

// Kills the daemon if a failed check left it running (before the cluster goes away).
struct DaemonGuard {
  pid_t pid = -1;
  ~DaemonGuard() {
    if (pid > 0 && ::kill(pid, SIGKILL) == 0) WaitChild(pid);
  }
};

TEST_CASE(
    "bpf run: pod interfaces by pattern; a packet generator leaks nothing across a SIGKILL "
    "of the daemon and its restart, which re-adopts every pinned link",
    "[privileged][e2e][bpf]") {
  C8S_REQUIRE_PRIVILEGED_OR_SKIP("network namespaces, cgroup v2, BPF");
  Cluster c;
  c.InstallAndApply();
  int out = -1;
  DaemonGuard guard;
  pid_t& daemon = guard.pid;
  daemon = StartDaemon(c, &out);
  FdGuard out_guard{out};
  auto before = c.LinkIds();
  CHECK(before.count("tc-eth0-egress") == 1);
  CHECK(before.count("pod-p1h-out") == 1);  // attached by the daemon, by pattern
  CHECK(before.count("pod-p1h-in") == 1);
  CHECK(before.size() == 4 + ebpf::kSockProgramCount);

  FloodControl* flood = FloodControl::CreateShared();
  REQUIRE(flood != nullptr);
  std::vector<uint8_t> probe =
      Ipv4({.saddr = c.topo.pod1.ip, .daddr = "10.0.0.12", .proto = IPPROTO_UDP, .dport = 9200});
  uint64_t denied_before = c.Count(C8S_DIR_POD_OUT, C8S_R_DENY_NO_RULE);
  pid_t gen = c.topo.StartInPod(c.topo.pod1, [&probe, flood] { return RawFlood(probe, flood); });
  auto wait_for_sent = [flood](int at_least) {
    for (int i = 0; i < 10000 && flood->sent.load() < at_least; ++i) ::usleep(1000);
    return flood->sent.load();
  };
  REQUIRE(wait_for_sent(50) >= 50);
  ::kill(daemon, SIGKILL);
  CHECK(WaitChild(daemon) == 128 + SIGKILL);
  daemon = -1;
  int sent_at_kill = flood->sent.load();
  REQUIRE(wait_for_sent(sent_at_kill + 50) >= sent_at_kill + 50);  // no daemon at all now
  int out2 = -1;
  daemon = StartDaemon(c, &out2);
  FdGuard out2_guard{out2};
  int sent_at_restart = flood->sent.load();
  REQUIRE(wait_for_sent(sent_at_restart + 50) >= sent_at_restart + 50);
  flood->stop.store(true);
  CHECK(WaitChild(gen) == 0);
  const int sent = flood->sent.load();
  INFO("sent " << sent << " packets, " << sent_at_restart - sent_at_kill
               << " of them with no daemon running");
  CHECK(sent_at_restart - sent_at_kill >= 50);
  CHECK(c.wire.Drain({.daddr = "10.0.0.12", .proto = IPPROTO_UDP, .dport = 9200}) == 0);
  CHECK(c.Count(C8S_DIR_POD_OUT, C8S_R_DENY_NO_RULE) - denied_before >=
        static_cast<uint64_t>(sent));

  // Same links (re-adopted, programs swapped), same policy; allowed egress still passes.
  CHECK(c.LinkIds() == before);
  std::string status;
  REQUIRE(RunAgent("", {"bpf", "--pin-root", c.pin_root, "status"}, &status) == 0);
  CHECK(status.find("policy generation: 1") != std::string::npos);
  FdGuard allowed{ListenIn(c.topo.node2_ns, "10.0.0.12", kAllowedPort)};
  CHECK(c.topo.RunInPod(c.topo.pod1, [] { return ConnectErrno("10.0.0.12", kAllowedPort); }) == 0);

  // SIGTERM: the daemon exits cleanly and enforcement stays.
  ::kill(daemon, SIGTERM);
  CHECK(WaitChild(daemon) == 0);
  daemon = -1;
  CHECK(c.LinkIds() == before);
  uint64_t denied = c.Count(C8S_DIR_POD_OUT, C8S_R_DENY_NO_RULE);
  CHECK(c.topo.RunInPod(c.topo.pod1, [&probe] { return RawSend(probe); }) == 0);
  CHECK(c.wire.Drain({.daddr = "10.0.0.12", .proto = IPPROTO_UDP, .dport = 9200}) == 0);
  CHECK(c.Count(C8S_DIR_POD_OUT, C8S_R_DENY_NO_RULE) == denied + 1);
}

}  // namespace
}  // namespace c8s::e2e
