// The eBPF data plane end to end: two nodes in network namespaces joined through a bridge
// namespace, pods as (netns, cgroup v2 group) pairs, the real `c8s-node-agent bpf` binary
// enforcing on node 1's uplink and its pods' cgroup. Every claim is checked on the wire (an
// AF_PACKET capture on the bridge port facing node 1) and by the data plane's counters.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch_test_macros.hpp>
#include <cerrno>
#include <filesystem>
#include <map>

#include "e2e/bpf/agent_process.h"
#include "e2e/bpf/netns_topology.h"
#include "e2e/bpf/pod_actions.h"
#include "e2e/bpf/test_sockets.h"
#include "e2e/bpf/wire_capture.h"
#include "node-agent/ebpf/objects.h"
#include "test/support/test_env.h"

namespace c8s::e2e {
namespace {

using ebpf::CounterRow;

TEST_CASE(
    "a pod's plaintext connect to another node's pod is redirected to the local "
    "listener; the original destination is recovered; allowed egress passes",
    "[privileged][e2e][bpf]") {
  C8S_REQUIRE_PRIVILEGED_OR_SKIP("network namespaces, cgroup v2, BPF");
  Cluster c;
  c.InstallAndApply();
  FdGuard proxy{ListenIn(c.topo.node1_ns, c.topo.pod1.gateway, kListenerPort)};
  FdGuard target{ListenIn(c.topo.pod2.netns, "0.0.0.0", 8080)};
  FdGuard allowed{ListenIn(c.topo.node2_ns, "10.0.0.12", kAllowedPort)};

  // The pod connects to 10.244.2.2:8080 and waits for one byte from whoever accepted.
  pid_t pod = c.topo.StartInPod(c.topo.pod1, [] { return ConnectSendAwait("10.244.2.2", 8080); });
  sockaddr_storage peer{};
  FdGuard conn{AcceptWithin(proxy.fd, 3000, &peer)};
  REQUIRE(conn.fd >= 0);
  CHECK(PeerIp(peer) == c.topo.pod1.ip);
  ebpf::Endpoint source{*ebpf::ParseIp(PeerIp(peer)), PeerPort(peer)};
  auto orig = c.maps->OriginalDestination(source);
  REQUIRE(orig.ok());
  CHECK(ebpf::FormatIp(orig->addr) == "10.244.2.2");
  CHECK(orig->port == 8080);
  char hello[5] = {};
  pollfd pr{conn.fd, POLLIN, 0};
  REQUIRE(::poll(&pr, 1, 2000) == 1);
  CHECK(::read(conn.fd, hello, 5) == 5);
  CHECK(std::string(hello, 5) == "hello");
  REQUIRE(::write(conn.fd, "k", 1) == 1);
  CHECK(WaitChild(pod) == 0);
  ::close(conn.fd);
  conn.fd = -1;
  // The real pod on node 2 never saw the connection and nothing to it crossed the wire.
  CHECK(AcceptWithin(target.fd, 0) < 0);
  CHECK(c.wire.Drain({.daddr = c.topo.pod2.ip}) == 0);
  CHECK(c.Count(C8S_DIR_CONNECT, C8S_R_REDIRECT_MESH) >= 1);
  ::usleep(100000);  // TCP_CLOSE reached: the sockops program removed the entry
  CHECK(absl::IsNotFound(c.maps->OriginalDestination(source).status()));

  // Egress allowed by a rule (10.0.0.12:8443) passes the socket hook and the uplink.
  uint64_t rule_before = c.Count(C8S_DIR_EGRESS, C8S_R_ALLOW_RULE);
  CHECK(c.topo.RunInPod(c.topo.pod1, [] { return ConnectErrno("10.0.0.12", kAllowedPort); }) == 0);
  FdGuard accepted{AcceptWithin(allowed.fd, 2000)};
  CHECK(accepted.fd >= 0);
  CHECK(c.wire.Drain({.daddr = "10.0.0.12", .proto = IPPROTO_TCP, .dport = kAllowedPort}) > 0);
  CHECK(c.Count(C8S_DIR_EGRESS, C8S_R_ALLOW_RULE) > rule_before);
}

struct BypassRow {
  const char* name;
  std::function<int()> action;  // runs in pod 1; returns the errno it got (0: sent)
  int want_errno;               // EPERM for socket-hook rows, 0 for rows the uplink drops
  WireSignature wire;
  uint32_t dir, reason;  // the counter that must move
};

std::vector<BypassRow> BypassMatrix(const Topology& t) {
  const std::string peer = "10.0.0.12";
  auto mac = t.pod1_gateway_mac;
  auto udp = [&](uint16_t port) {
    return Ipv4({.saddr = t.pod1.ip, .daddr = peer, .proto = IPPROTO_UDP, .dport = port});
  };
  std::vector<uint8_t> raw = udp(9001), packet = udp(9002);
  std::vector<uint8_t> forged =
      Ipv4({.saddr = "10.0.0.11", .daddr = peer, .proto = IPPROTO_TCP, .dport = kMeshPort});
  std::vector<uint8_t> fragment = Ipv4({.saddr = t.pod1.ip,
                                        .daddr = peer,
                                        .proto = IPPROTO_TCP,
                                        .dport = kAllowedPort,
                                        .frag_off = 0x2000});
  using S = WireSignature;
  return {
      {"raw socket", [raw] { return RawSend(raw); }, 0,
       S{.daddr = peer, .proto = IPPROTO_UDP, .dport = 9001}, C8S_DIR_EGRESS, C8S_R_DENY_NO_RULE},
      {"AF_PACKET", [packet, mac] { return PacketSend("eth0", mac, packet); }, 0,
       S{.daddr = peer, .proto = IPPROTO_UDP, .dport = 9002}, C8S_DIR_EGRESS, C8S_R_DENY_NO_RULE},
      {"IPv4-mapped IPv6 connect", [] { return ConnectErrno("10.0.0.12", 9003, true); }, EPERM,
       S{.daddr = peer, .proto = IPPROTO_TCP, .dport = 9003}, C8S_DIR_CONNECT, C8S_R_DENY_NO_RULE},
      {"UDP other than DNS", [] { return UdpSendErrno("10.0.0.12", 9004); }, EPERM,
       S{.daddr = peer, .proto = IPPROTO_UDP, .dport = 9004}, C8S_DIR_SENDMSG,
       C8S_R_DENY_UDP_NOT_DNS},
      {"TCP Fast Open sendto", [] { return TfoSendErrno("10.0.0.12", 9005); }, EPERM,
       S{.daddr = peer, .proto = IPPROTO_TCP, .dport = 9005}, C8S_DIR_CONNECT, C8S_R_DENY_NO_RULE},
      {"io_uring connect", [] { return IoUringConnectErrno("10.0.0.12", 9006); }, EPERM,
       S{.daddr = peer, .proto = IPPROTO_TCP, .dport = 9006}, C8S_DIR_CONNECT, C8S_R_DENY_NO_RULE},
      {"pod forging the node address to a mesh port", [forged] { return RawSend(forged); }, 0,
       S{.saddr = "10.0.0.11", .daddr = peer, .proto = IPPROTO_TCP, .dport = kMeshPort},
       C8S_DIR_EGRESS, C8S_R_DENY_MESH_NOT_PROXY},
      {"IP fragment to an allowed port", [fragment] { return RawSend(fragment); }, 0,
       S{.daddr = peer, .fragments_only = true}, C8S_DIR_EGRESS, C8S_R_DENY_FRAGMENT},
  };
}

TEST_CASE("bypass matrix: every row leaks without the data plane, none with it",
          "[privileged][e2e][bpf]") {
  C8S_REQUIRE_PRIVILEGED_OR_SKIP("network namespaces, cgroup v2, BPF");
  Cluster c;
  std::vector<BypassRow> rows = BypassMatrix(c.topo);
  // Baseline: the capture sees every row's frames while nothing is installed, so a zero below
  // means the data plane stopped them, not that the row never sent anything.
  for (const BypassRow& row : rows) {
    INFO("baseline: " << row.name);
    int code = c.topo.RunInPod(c.topo.pod1, row.action);
    CHECK((code == 0 || code == ECONNREFUSED));  // sent; nothing listens on node 2's port
    CHECK(c.wire.Drain(row.wire) > 0);
  }
  c.InstallAndApply();
  for (const BypassRow& row : rows) {
    INFO("enforced: " << row.name << " (counter " << ebpf::DirName(row.dir) << " "
                      << ebpf::ReasonName(row.reason) << ")");
    uint64_t before = c.Count(row.dir, row.reason);
    CHECK(c.topo.RunInPod(c.topo.pod1, row.action) == row.want_errno);
    CHECK(c.wire.Drain(row.wire) == 0);
    CHECK(c.Count(row.dir, row.reason) > before);
  }
}

TEST_CASE(
    "a packet generator leaks nothing across an agent kill -9 and restart; the restarted "
    "agent re-adopts the pinned links",
    "[privileged][e2e][bpf]") {
  C8S_REQUIRE_PRIVILEGED_OR_SKIP("network namespaces, cgroup v2, BPF");
  Cluster c;
  c.InstallAndApply();
  auto before = c.LinkIds();
  REQUIRE(before.size() == 2 + ebpf::kSockProgramCount);

  FloodControl* flood = FloodControl::CreateShared();
  REQUIRE(flood != nullptr);
  std::vector<uint8_t> probe =
      Ipv4({.saddr = c.topo.pod1.ip, .daddr = "10.0.0.12", .proto = IPPROTO_UDP, .dport = 9100});
  uint64_t denied_before = c.Count(C8S_DIR_EGRESS, C8S_R_DENY_NO_RULE);
  pid_t gen = c.topo.StartInPod(c.topo.pod1, [&probe, flood] { return RawFlood(probe, flood); });
  // Progress is counted, not timed: a loaded machine slows the generator, never the verdict.
  auto wait_for_sent = [flood](int at_least) {
    for (int i = 0; i < 10000 && flood->sent.load() < at_least; ++i) ::usleep(1000);
    return flood->sent.load();
  };
  REQUIRE(wait_for_sent(50) >= 50);
  // The agent is killed while it loads and swaps programs, then started again.
  int sent_before_kill = flood->sent.load();
  pid_t agent = StartAgent(c.topo.node1_ns, c.InstallArgs(), nullptr);
  ::usleep(30000);
  ::kill(agent, SIGKILL);
  CHECK(WaitChild(agent) == 128 + SIGKILL);
  std::string out_text;
  CHECK(RunAgent(c.topo.node1_ns, c.InstallArgs(), &out_text) == 0);
  int sent_by_restart = flood->sent.load();
  REQUIRE(wait_for_sent(sent_by_restart + 50) >= sent_by_restart + 50);
  flood->stop.store(true);
  CHECK(WaitChild(gen) == 0);
  int sent = flood->sent.load();
  INFO("sent " << sent << " packets, " << sent_by_restart - sent_before_kill
               << " of them while the agent was killed and restarted");
  CHECK(sent_by_restart > sent_before_kill);
  CHECK(c.wire.Drain({.daddr = "10.0.0.12", .proto = IPPROTO_UDP, .dport = 9100}) == 0);
  CHECK(c.Count(C8S_DIR_EGRESS, C8S_R_DENY_NO_RULE) - denied_before >= static_cast<uint64_t>(sent));

  // Same links (re-adopted, not re-created), and `bpf status` reports them.
  auto after = c.LinkIds();
  CHECK(after == before);
  std::string status;
  REQUIRE(RunAgent("", {"bpf", "--pin-root", c.pin_root, "status"}, &status) == 0);
  for (const auto& [name, id] : before)
    CHECK(status.find(name + "  link " + std::to_string(id) + " ") != std::string::npos);
  CHECK(status.find("policy generation: 1") != std::string::npos);
  // Enforcement kept its policy: allowed egress still passes.
  FdGuard allowed{ListenIn(c.topo.node2_ns, "10.0.0.12", kAllowedPort)};
  CHECK(c.topo.RunInPod(c.topo.pod1, [] { return ConnectErrno("10.0.0.12", kAllowedPort); }) == 0);
}

}  // namespace
}  // namespace c8s::e2e
