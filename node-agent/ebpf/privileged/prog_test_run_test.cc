// BPF_PROG_TEST_RUN tests of the uplink programs: every verdict and reason from a fixture table,
// IPv4 and IPv6, malformed packets, counters, deny events and the policy generation switch.
#include <bpf/libbpf.h>

#include <catch2/catch_test_macros.hpp>
#include <string>
#include <vector>

#include "node-agent/ebpf/kernel_env.h"
#include "node-agent/ebpf/privileged/bpf_fixture.h"
#include "node-agent/ebpf/privileged/packet_builder.h"
#include "test/support/test_env.h"

namespace c8s::ebpf::testing {
namespace {

struct Row {
  const char* name;
  uint32_t dir;
  std::vector<uint8_t> frame;
  uint32_t reason;
};

uint64_t OwnCgroupId() {
  auto path = OwnCgroup2Path();
  REQUIRE(path.ok());
  auto id = CgroupId(*path);
  REQUIRE(id.ok());
  return *id;
}

// An --ingress-port of the node (TCP, any source).
constexpr uint16_t kOpenPort = 9443;

// Rows run in order: the ingress replies rely on the egress rows before them.
std::vector<Row> Table() {
  const char* us = "10.0.0.11";
  const char* us6 = "fd00::11";
  return {
      {"v4 tcp egress rule", C8S_DIR_EGRESS, Packet().V4(us, "203.0.113.9").Tcp(40000, 443).Build(),
       C8S_R_ALLOW_RULE},
      {"v4 tcp egress wrong port", C8S_DIR_EGRESS,
       Packet().V4(us, "203.0.113.9").Tcp(40000, 80).Build(), C8S_R_DENY_NO_RULE},
      {"v4 tcp egress unknown net", C8S_DIR_EGRESS,
       Packet().V4(us, "192.0.2.1").Tcp(40000, 443).Build(), C8S_R_DENY_NO_RULE},
      {"mesh peer from proxy cgroup", C8S_DIR_EGRESS,
       Packet().V4(us, "10.0.0.12").Tcp(40001, 15443).Build(), C8S_R_ALLOW_MESH},
      {"infra cds", C8S_DIR_EGRESS, Packet().V4(us, "10.0.0.5").Tcp(40002, 7443).Build(),
       C8S_R_ALLOW_INFRA},
      {"infra dns udp", C8S_DIR_EGRESS, Packet().V4(us, "10.0.0.10").Udp(5353, 53).Build(),
       C8S_R_ALLOW_INFRA},
      {"udp not allowed", C8S_DIR_EGRESS, Packet().V4(us, "10.0.0.10").Udp(5353, 54).Build(),
       C8S_R_DENY_NO_RULE},
      {"v6 tcp egress rule", C8S_DIR_EGRESS,
       Packet().V6(us6, "2001:db8::5").Tcp(40003, 443).Build(), C8S_R_ALLOW_RULE},
      {"v6 tcp egress unknown", C8S_DIR_EGRESS,
       Packet().V6(us6, "2001:db9::5").Tcp(40003, 443).Build(), C8S_R_DENY_NO_RULE},
      {"v6 hop-by-hop then tcp", C8S_DIR_EGRESS,
       Packet().V6(us6, "2001:db8::5").V6Ext(0).Tcp(40004, 443).Build(), C8S_R_ALLOW_RULE},
      {"v6 esp", C8S_DIR_EGRESS, Packet().V6(us6, "2001:db8::5").Proto(50).Build(),
       C8S_R_DENY_IPV6_EXT},
      {"v6 fragment header", C8S_DIR_EGRESS,
       Packet().V6(us6, "2001:db8::5").V6Ext(44).Tcp(40004, 443).Build(), C8S_R_DENY_FRAGMENT},
      {"v4 first fragment (MF)", C8S_DIR_EGRESS,
       Packet().V4(us, "203.0.113.9").FragOff(0x2000).Tcp(40000, 443).Build(), C8S_R_DENY_FRAGMENT},
      {"v4 later fragment", C8S_DIR_EGRESS,
       Packet().V4(us, "203.0.113.9").FragOff(0x0010).Tcp(40000, 443).Build(), C8S_R_DENY_FRAGMENT},
      {"v4 options skipped by IHL", C8S_DIR_EGRESS,
       Packet().V4(us, "203.0.113.9").Options(2).Tcp(40005, 443).Build(), C8S_R_ALLOW_RULE},
      {"v4 record-route option skipped", C8S_DIR_EGRESS,
       Packet().V4(us, "203.0.113.9").OptionBytes({7, 7, 4, 0, 0, 0, 0}).Tcp(40006, 443).Build(),
       C8S_R_ALLOW_RULE},
      {"v4 loose source route", C8S_DIR_EGRESS,
       Packet()
           .V4(us, "203.0.113.9")
           .OptionBytes({131, 7, 4, 192, 0, 2, 66})
           .Tcp(40006, 443)
           .Build(),
       C8S_R_DENY_SOURCE_ROUTE},
      {"v4 strict source route after NOPs", C8S_DIR_EGRESS,
       Packet()
           .V4(us, "203.0.113.9")
           .OptionBytes({1, 1, 1, 137, 7, 4, 192, 0, 2, 66})
           .Tcp(40006, 443)
           .Build(),
       C8S_R_DENY_SOURCE_ROUTE},
      {"v4 option with length 0", C8S_DIR_EGRESS,
       Packet().V4(us, "203.0.113.9").OptionBytes({7, 0, 0, 0}).Tcp(40006, 443).Build(),
       C8S_R_DENY_MALFORMED},
      {"v6 routing header", C8S_DIR_EGRESS,
       Packet().V6(us6, "2001:db8::5").V6Ext(43).Tcp(40004, 443).Build(), C8S_R_DENY_SOURCE_ROUTE},
      {"v6 destination options then tcp", C8S_DIR_EGRESS,
       Packet().V6(us6, "2001:db8::5").V6Ext(60).Tcp(40004, 443).Build(), C8S_R_ALLOW_RULE},
      {"bad IHL", C8S_DIR_EGRESS, Packet().V4(us, "203.0.113.9").Ihl(4).Tcp(40000, 443).Build(),
       C8S_R_DENY_MALFORMED},
      {"truncated tcp", C8S_DIR_EGRESS,
       Packet().V4(us, "203.0.113.9").Tcp(40000, 443).TruncateL4(10).Build(), C8S_R_DENY_MALFORMED},
      // (The kernel's test runner refuses frames shorter than an IPv4 header itself.)
      {"IHL beyond the packet", C8S_DIR_EGRESS,
       Packet().V4(us, "203.0.113.9").Ihl(15).Tcp(40000, 443).TruncateL4(4).Build(),
       C8S_R_DENY_MALFORMED},
      {"v6 truncated tcp", C8S_DIR_EGRESS,
       Packet().V6(us6, "2001:db8::5").Tcp(40003, 443).TruncateL4(6).Build(), C8S_R_DENY_MALFORMED},
      {"v6 extension header beyond the packet", C8S_DIR_EGRESS,
       Packet().V6(us6, "2001:db8::5").V6Ext(60).Tcp(40003, 443).TruncateL4(0).Build(),
       C8S_R_DENY_MALFORMED},
      {"vlan tag", C8S_DIR_EGRESS, Packet().Vlan().V4(us, "203.0.113.9").Tcp(40000, 443).Build(),
       C8S_R_DENY_VLAN},
      {"arp", C8S_DIR_EGRESS, Packet().EtherType(0x0806).Build(), C8S_R_ALLOW_ARP},
      // A CNI's tunnels: the outer packet is ordinary traffic to a node (allowed only when the
      // infrastructure lists the tunnel endpoint); pod traffic is enforced before it.
      {"VXLAN (outer UDP 4789) to node-2", C8S_DIR_EGRESS,
       Packet().V4(us, "10.0.0.12").Udp(40000, 4789).Build(), C8S_R_DENY_NO_RULE},
      {"Geneve (outer UDP 6081) to node-2", C8S_DIR_EGRESS,
       Packet().V4(us, "10.0.0.12").Udp(40000, 6081).Build(), C8S_R_DENY_NO_RULE},
      {"IP-in-IP to node-2", C8S_DIR_EGRESS, Packet().V4(us, "10.0.0.12").Proto(4).Build(),
       C8S_R_DENY_NO_RULE},
      {"GRE to node-2", C8S_DIR_EGRESS, Packet().V4(us, "10.0.0.12").Proto(47).Build(),
       C8S_R_DENY_NO_RULE},
      {"lldp", C8S_DIR_EGRESS, Packet().EtherType(0x88cc).Build(), C8S_R_DENY_NON_IP},
      {"icmp echo by rule", C8S_DIR_EGRESS, Packet().V4(us, "198.51.100.1").Icmp(8).Build(),
       C8S_R_ALLOW_RULE},
      {"icmpv6 neighbour solicitation", C8S_DIR_EGRESS,
       Packet().V6(us6, "ff02::1:ff00:1").HopLimit(255).Icmp(135).Build(),
       C8S_R_ALLOW_ICMP_CONTROL},
      {"NDP-typed packet that crossed a router (hop limit 254)", C8S_DIR_EGRESS,
       Packet().V6("fd00:244:1::2", "2001:db9::1").HopLimit(254).Icmp(135).Build(),
       C8S_R_DENY_NO_RULE},
      {"MLD report from a link-local address, hop limit 1", C8S_DIR_EGRESS,
       Packet().V6("fe80::11", "ff02::16").HopLimit(1).Icmp(143).Build(), C8S_R_ALLOW_ICMP_CONTROL},
      {"MLD-typed packet from a global address", C8S_DIR_EGRESS,
       Packet().V6(us6, "2001:db9::1").HopLimit(1).Icmp(143).Build(), C8S_R_DENY_NO_RULE},
      {"MLD-typed packet with hop limit 64", C8S_DIR_EGRESS,
       Packet().V6("fe80::11", "ff02::16").Icmp(143).Build(), C8S_R_DENY_NO_RULE},
      // Ingress.
      {"reply of allowed egress", C8S_DIR_INGRESS,
       Packet().V4("203.0.113.9", us).Tcp(443, 40000).Build(), C8S_R_ALLOW_REPLY},
      {"v6 reply", C8S_DIR_INGRESS, Packet().V6("2001:db8::5", us6).Tcp(443, 40003).Build(),
       C8S_R_ALLOW_REPLY},
      {"dns reply", C8S_DIR_INGRESS, Packet().V4("10.0.0.10", us).Udp(53, 5353).Build(),
       C8S_R_ALLOW_REPLY},
      {"mid-flow egress by rule (no SYN, no ct entry)", C8S_DIR_EGRESS,
       Packet().V4(us, "203.0.113.9").Tcp(40100, 443).Ack().Build(), C8S_R_ALLOW_RULE},
      {"reply of a flow whose SYN was never seen", C8S_DIR_INGRESS,
       Packet().V4("203.0.113.9", us).Tcp(443, 40100).Ack().Build(), C8S_R_DENY_NO_RULE},
      {"icmp echo reply", C8S_DIR_INGRESS, Packet().V4("198.51.100.1", us).Icmp(0).Build(),
       C8S_R_ALLOW_REPLY},
      {"dns spoof to other port", C8S_DIR_INGRESS,
       Packet().V4("10.0.0.10", us).Udp(53, 5354).Build(), C8S_R_DENY_NO_RULE},
      {"reply of denied egress", C8S_DIR_INGRESS,
       Packet().V4("203.0.113.9", us).Tcp(80, 40000).Build(), C8S_R_DENY_NO_RULE},
      {"mesh inbound from node-2", C8S_DIR_INGRESS,
       Packet().V4("10.0.0.12", us).Tcp(50000, 15443).Build(), C8S_R_ALLOW_MESH},
      {"mesh inbound from stranger", C8S_DIR_INGRESS,
       Packet().V4("192.0.2.7", us).Tcp(50000, 15443).Build(), C8S_R_DENY_NO_RULE},
      {"kubelet from api server", C8S_DIR_INGRESS,
       Packet().V4("10.0.0.1", us).Tcp(50001, 10250).Build(), C8S_R_ALLOW_INFRA},
      {"kubelet from elsewhere", C8S_DIR_INGRESS,
       Packet().V4("192.0.2.7", us).Tcp(50001, 10250).Build(), C8S_R_DENY_NO_RULE},
      {"neighbour advertisement in", C8S_DIR_INGRESS,
       Packet().V6("fe80::12", us6).HopLimit(255).Icmp(136).Build(), C8S_R_ALLOW_ICMP_CONTROL},
      {"NDP-typed packet in from beyond the link", C8S_DIR_INGRESS,
       Packet().V6("2001:db9::1", us6).HopLimit(250).Icmp(136).Build(), C8S_R_DENY_NO_RULE},
      {"icmp unreachable", C8S_DIR_INGRESS, Packet().V4("192.0.2.1", us).Icmp(3).Build(),
       C8S_R_ALLOW_ICMP_CONTROL},
      {"icmp echo request in", C8S_DIR_INGRESS, Packet().V4("192.0.2.1", us).Icmp(8, 7).Build(),
       C8S_R_DENY_NO_RULE},
      {"ingress fragment", C8S_DIR_INGRESS,
       Packet().V4("10.0.0.12", us).FragOff(0x2000).Tcp(50000, 15443).Build(), C8S_R_DENY_FRAGMENT},
      {"egress of inbound mesh flow", C8S_DIR_EGRESS,
       Packet().V4(us, "10.0.0.12").Tcp(15443, 50000).Build(), C8S_R_ALLOW_REPLY},
      {"ingress port open to any source", C8S_DIR_INGRESS,
       Packet().V4("192.0.2.7", us).Tcp(50002, kOpenPort).Build(), C8S_R_ALLOW_INGRESS_PORT},
      {"v6 ingress port", C8S_DIR_INGRESS,
       Packet().V6("2001:db9::7", us6).Tcp(50002, kOpenPort).Build(), C8S_R_ALLOW_INGRESS_PORT},
      {"egress reply from the open port", C8S_DIR_EGRESS,
       Packet().V4(us, "192.0.2.7").Tcp(kOpenPort, 50002).Build(), C8S_R_ALLOW_REPLY},
      {"udp to the open (TCP) port", C8S_DIR_INGRESS,
       Packet().V4("192.0.2.7", us).Udp(50002, kOpenPort).Build(), C8S_R_DENY_NO_RULE},
  };
}

TEST_CASE("uplink programs: every verdict and reason from the fixture table", "[privileged][bpf]") {
  C8S_REQUIRE_PRIVILEGED_OR_SKIP("BPF_PROG_TEST_RUN");
  BpfFixture fx;
  // No policy yet: fail closed.
  auto probe = Packet().V4("10.0.0.11", "203.0.113.9").Tcp(40000, 443).Build();
  CHECK(fx.Run(fx.tc->egress_fd(), probe) == kTcxDrop);
  CHECK(fx.Count(C8S_DIR_EGRESS, C8S_R_DENY_NO_POLICY) == 1);

  // The test-run skb belongs to this process's cgroup: make it the proxy's.
  fx.Apply(TestPolicy(7, OwnCgroupId(), "", {kOpenPort}));
  for (const Row& row : Table()) {
    INFO(row.name << " (want " << ReasonName(row.reason) << ")");
    uint64_t before = fx.Count(row.dir, row.reason);
    int fd = row.dir == C8S_DIR_EGRESS ? fx.tc->egress_fd() : fx.tc->ingress_fd();
    uint32_t ret = fx.Run(fd, row.frame);
    CHECK(ret == (row.reason < C8S_R_FIRST_DENY ? kTcxNext : kTcxDrop));
    CHECK(fx.Count(row.dir, row.reason) == before + 1);
  }
}

TEST_CASE("mesh port from another cgroup is dropped; generations only move forward",
          "[privileged][bpf]") {
  C8S_REQUIRE_PRIVILEGED_OR_SKIP("BPF_PROG_TEST_RUN");
  BpfFixture fx;
  auto mesh = Packet().V4("10.0.0.11", "10.0.0.12").Tcp(40001, 15443).Build();
  fx.Apply(TestPolicy(7, OwnCgroupId()));
  CHECK(fx.Run(fx.tc->egress_fd(), mesh) == kTcxNext);
  fx.Apply(TestPolicy(8, OwnCgroupId() + 1000000));  // proxy is someone else now
  auto other = Packet().V4("10.0.0.11", "10.0.0.12").Tcp(40009, 15443).Build();
  CHECK(fx.Run(fx.tc->egress_fd(), other) == kTcxDrop);
  CHECK(fx.Count(C8S_DIR_EGRESS, C8S_R_DENY_MESH_NOT_PROXY) == 1);
  auto st = fx.maps->State();
  REQUIRE(st.ok());
  CHECK(st->generation == 8);
  CHECK(!fx.maps->Apply(TestPolicy(6, 0)).ok());
}

TEST_CASE(
    "rule sets beyond the inline entries are decided through c8s_ports; a rule never "
    "opens a peer's mesh port",
    "[privileged][bpf]") {
  C8S_REQUIRE_PRIVILEGED_OR_SKIP("BPF_PROG_TEST_RUN");
  BpfFixture fx;
  auto bundle = ParsePolicyBundle(TestBundleJson(3));
  REQUIRE(bundle.ok());
  EgressRule many;  // 6 ports + every UDP port: more than C8S_LPM_INLINE_PORTS entries
  many.cidr = *ParseCidr("192.0.2.0/24");
  many.ports = {21, 22, 23, 25, 80, 8080};
  bundle->egress.push_back(many);
  EgressRule udp_any;
  udp_any.cidr = many.cidr;
  udp_any.proto = Proto::kUdp;
  bundle->egress.push_back(udp_any);
  EgressRule peer_net;  // covers node-2 (10.0.0.12) including its mesh port
  peer_net.cidr = *ParseCidr("10.0.0.0/24");
  bundle->egress.push_back(peer_net);
  NodeSettings node;
  node.node_name = "node-1";
  node.proxy_cgroup_id = OwnCgroupId() + 1000000;  // not us
  auto compiled = CompilePolicy(*bundle, node);
  REQUIRE(compiled.ok());
  fx.Apply(*compiled);
  const char* us = "10.0.0.11";
  auto run = [&](const std::vector<uint8_t>& frame) { return fx.Run(fx.tc->egress_fd(), frame); };
  CHECK(run(Packet().V4(us, "192.0.2.9").Tcp(40000, 8080).Build()) == kTcxNext);
  CHECK(run(Packet().V4(us, "192.0.2.9").Tcp(40000, 21).Build()) == kTcxNext);
  CHECK(run(Packet().V4(us, "192.0.2.9").Udp(40000, 5555).Build()) == kTcxNext);  // port 0
  CHECK(fx.Count(C8S_DIR_EGRESS, C8S_R_ALLOW_RULE) == 3);
  CHECK(run(Packet().V4(us, "192.0.2.9").Tcp(40000, 443).Build()) == kTcxDrop);
  CHECK(fx.Count(C8S_DIR_EGRESS, C8S_R_DENY_NO_RULE) == 1);
  // node-2's other ports are the rule's; its mesh port stays proxy-only.
  CHECK(run(Packet().V4(us, "10.0.0.12").Tcp(40001, 9999).Build()) == kTcxNext);
  CHECK(run(Packet().V4(us, "10.0.0.12").Tcp(40001, 15443).Build()) == kTcxDrop);
  CHECK(fx.Count(C8S_DIR_EGRESS, C8S_R_DENY_MESH_NOT_PROXY) == 1);
  CHECK(run(Packet().V4(us, "10.0.0.5").Tcp(40002, 7443).Build()) == kTcxNext);  // CDS
  CHECK(fx.Count(C8S_DIR_EGRESS, C8S_R_ALLOW_INFRA) == 1);
}

int OnEvent(void* ctx, void* data, size_t size) {
  auto* events = static_cast<std::vector<c8s_deny_event>*>(ctx);
  if (size >= sizeof(c8s_deny_event)) events->push_back(*static_cast<c8s_deny_event*>(data));
  return 0;
}

TEST_CASE("denied packets produce rate-limited ring buffer events", "[privileged][bpf]") {
  C8S_REQUIRE_PRIVILEGED_OR_SKIP("BPF_PROG_TEST_RUN");
  BpfFixture fx;  // loaded with 1000 events per CPU and second
  fx.Apply(TestPolicy(1, 0));
  std::vector<c8s_deny_event> events;
  ring_buffer* rb = ring_buffer__new(fx.maps->events_fd(), OnEvent, &events, nullptr);
  REQUIRE(rb != nullptr);
  auto denied = Packet().V4("10.0.0.11", "192.0.2.1").Tcp(40000, 22).Build();
  fx.Run(fx.tc->egress_fd(), denied, 5000);  // 5000 denials within well under a second
  ring_buffer__consume(rb);
  ring_buffer__free(rb);
  REQUIRE(!events.empty());
  CHECK(events.size() <= 1000);
  CHECK(events[0].reason == C8S_R_DENY_NO_RULE);
  CHECK(events[0].version == C8S_LAYOUT_VERSION);
  CHECK(ntohs(events[0].dport) == 22);
  CHECK(fx.Count(C8S_DIR_EGRESS, C8S_R_EVENT_SUPPRESSED) >= 4000);
}

}  // namespace
}  // namespace c8s::ebpf::testing
