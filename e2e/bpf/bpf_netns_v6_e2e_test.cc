// The IPv6 half of the end-to-end tests, same cluster (e2e/bpf/netns_topology.h): a pod's
// IPv6 connect to another node's pod is redirected to the listener's IPv6 address with the
// original destination recovered, IPv6 egress allowed by a rule passes, and the IPv6 bypass
// rows leak without the data plane and are dropped on the wire with it.
#include <netinet/in.h>

#include <catch2/catch_test_macros.hpp>
#include <cerrno>
#include <functional>
#include <vector>

#include "e2e/bpf/agent_process.h"
#include "e2e/bpf/netns_topology.h"
#include "e2e/bpf/pod_actions.h"
#include "e2e/bpf/test_sockets.h"
#include "e2e/bpf/wire_capture.h"
#include "node-agent/ebpf/policy_bundle.h"
#include "test/support/test_env.h"

namespace c8s::e2e {
namespace {

constexpr char kNode2[] = "fd00::12";

TEST_CASE(
    "IPv6: a pod's connect to another node's pod is redirected to the listener's IPv6 "
    "address, the original destination recovered; allowed IPv6 egress passes",
    "[privileged][e2e][bpf]") {
  C8S_REQUIRE_PRIVILEGED_OR_SKIP("network namespaces, cgroup v2, BPF");
  Cluster c;
  c.InstallAndApply();
  FdGuard proxy{ListenIn(c.topo.node1_ns, c.topo.pod1.gateway6, kListenerPort)};
  FdGuard target{ListenIn(c.topo.pod2.netns, c.topo.pod2.ip6, 8080)};
  FdGuard allowed{ListenIn(c.topo.node2_ns, kNode2, kAllowedPort)};

  const std::string dst = c.topo.pod2.ip6;
  pid_t pod = c.topo.StartInPod(c.topo.pod1, [dst] { return ConnectSendAwait(dst, 8080); });
  sockaddr_storage peer{};
  FdGuard conn{AcceptWithin(proxy.fd, 3000, &peer)};
  REQUIRE(conn.fd >= 0);
  CHECK(PeerIp(peer) == c.topo.pod1.ip6);
  ebpf::Endpoint source{*ebpf::ParseIp(PeerIp(peer)), PeerPort(peer)};
  auto orig = c.maps->OriginalDestination(source);
  REQUIRE(orig.ok());
  CHECK(ebpf::FormatIp(orig->addr) == dst);
  CHECK(orig->port == 8080);
  char hello[5] = {};
  REQUIRE(::read(conn.fd, hello, 5) == 5);
  CHECK(std::string(hello, 5) == "hello");
  REQUIRE(::write(conn.fd, "k", 1) == 1);
  CHECK(WaitChild(pod) == 0);
  CHECK(AcceptWithin(target.fd, 0) < 0);
  CHECK(c.wire.Drain({.daddr = dst}) == 0);
  CHECK(c.Count(C8S_DIR_CONNECT, C8S_R_REDIRECT_MESH) >= 1);

  uint64_t rule_before = c.Count(C8S_DIR_EGRESS, C8S_R_ALLOW_RULE);
  CHECK(c.topo.RunInPod(c.topo.pod1, [] { return ConnectErrno(kNode2, kAllowedPort); }) == 0);
  FdGuard accepted{AcceptWithin(allowed.fd, 2000)};
  CHECK(accepted.fd >= 0);
  CHECK(c.wire.Drain({.daddr = kNode2, .proto = IPPROTO_TCP, .dport = kAllowedPort}) > 0);
  CHECK(c.Count(C8S_DIR_EGRESS, C8S_R_ALLOW_RULE) > rule_before);
}

struct Row {
  const char* name;
  std::function<int()> action;  // in pod 1: 0 when sent, else the errno
  int want_errno;
  WireSignature wire;
  uint32_t dir, reason;
};

std::vector<Row> V6Rows(const Topology& t) {
  const std::string peer = kNode2;
  auto mac = t.pod1_gateway_mac;
  std::vector<uint8_t> packet = Ipv6Udp(t.pod1.ip6, peer, 9021);
  using S = WireSignature;
  return {
      {"raw IPv6 socket", [peer] { return RawUdpSend6(peer, 9020, 8); }, 0,
       S{.daddr = peer, .proto = IPPROTO_UDP, .dport = 9020}, C8S_DIR_EGRESS, C8S_R_DENY_NO_RULE},
      {"AF_PACKET IPv6 frame", [packet, mac] { return PacketSend("eth0", mac, packet); }, 0,
       S{.daddr = peer, .proto = IPPROTO_UDP, .dport = 9021}, C8S_DIR_EGRESS, C8S_R_DENY_NO_RULE},
      {"IPv6 connect", [peer] { return ConnectErrno(peer, 9022); }, EPERM,
       S{.daddr = peer, .proto = IPPROTO_TCP, .dport = 9022}, C8S_DIR_CONNECT, C8S_R_DENY_NO_RULE},
      {"IPv6 UDP other than DNS", [peer] { return UdpSendErrno(peer, 9023); }, EPERM,
       S{.daddr = peer, .proto = IPPROTO_UDP, .dport = 9023}, C8S_DIR_SENDMSG,
       C8S_R_DENY_UDP_NOT_DNS},
      {"IPv6 TCP Fast Open sendto", [peer] { return TfoSendErrno(peer, 9024); }, EPERM,
       S{.daddr = peer, .proto = IPPROTO_TCP, .dport = 9024}, C8S_DIR_CONNECT, C8S_R_DENY_NO_RULE},
      {"IPv6 io_uring connect", [peer] { return IoUringConnectErrno(peer, 9025); }, EPERM,
       S{.daddr = peer, .proto = IPPROTO_TCP, .dport = 9025}, C8S_DIR_CONNECT, C8S_R_DENY_NO_RULE},
      // Neighbour-solicitation-typed, sent at hop limit 255 to a remote address: the node
      // forwards it (hop limit 254 on the wire); only real link-local NDP may pass.
      {"NDP-typed ICMPv6 to a remote address", [peer] { return Icmp6Send(peer, 135, 255); }, 0,
       S{.daddr = peer, .proto = IPPROTO_ICMPV6, .hop_limit = 254}, C8S_DIR_EGRESS,
       C8S_R_DENY_NO_RULE},
      {"IPv6 fragments (raw datagram above the MTU)",
       [peer] { return RawUdpSend6(peer, kAllowedPort, 3000); }, 0,
       S{.daddr = peer, .fragments_only = true}, C8S_DIR_EGRESS, C8S_R_DENY_FRAGMENT},
  };
}

TEST_CASE("IPv6 bypass rows: each leaks without the data plane, none with it",
          "[privileged][e2e][bpf]") {
  C8S_REQUIRE_PRIVILEGED_OR_SKIP("network namespaces, cgroup v2, BPF");
  Cluster c;
  std::vector<Row> rows = V6Rows(c.topo);
  for (const Row& row : rows) {
    INFO("baseline: " << row.name);
    int code = c.topo.RunInPod(c.topo.pod1, row.action);
    CHECK((code == 0 || code == ECONNREFUSED));
    CHECK(c.wire.Drain(row.wire) > 0);
  }
  c.InstallAndApply();
  for (const Row& row : rows) {
    INFO("enforced: " << row.name << " (counter " << ebpf::DirName(row.dir) << " "
                      << ebpf::ReasonName(row.reason) << ")");
    uint64_t before = c.Count(row.dir, row.reason);
    CHECK(c.topo.RunInPod(c.topo.pod1, row.action) == row.want_errno);
    CHECK(c.wire.Drain(row.wire) == 0);
    CHECK(c.Count(row.dir, row.reason) > before);
  }
}

}  // namespace
}  // namespace c8s::e2e
