// BPF_PROG_TEST_RUN tests of the programs on pods' host-side interfaces and of the node-only
// infrastructure kinds (CDS, metadata, time) at the uplink, and of the connection-tracking map
// when it is full: the least recently used flows are evicted and their replies dropped.
#include <bpf/bpf.h>

#include <catch2/catch_test_macros.hpp>
#include <string>
#include <vector>

#include "lib/base/strings.h"
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

// The fixture bundle plus a metadata service and a time server, compiled for node-1 with the
// mesh outbound listener at 10.244.1.1:15001 and the pods' parent cgroup `pods_cgroup`.
CompiledPolicy PodPolicy(uint64_t pods_cgroup_id, uint32_t pods_cgroup_level) {
  manifest::PolicyBundle b = Bundle(
      5, {{"shop/api",
           {Egress("203.0.113.0/24", "TCP", {443}), Egress("2001:db8::/32", "TCP", {443})}}});
  b.infrastructure.metadata = {"169.254.169.254:80"};
  b.infrastructure.time = {"10.0.0.20:123"};
  b.infrastructure.dns.push_back("[fd00::10]:53");
  auto bundle = ParsePolicyBundle(BundleJson(b));
  REQUIRE(bundle.ok());
  NodeSettings node;
  node.node_name = "node-1";
  node.redirect = *ParseEndpoint("10.244.1.1:15001");
  node.pods_cgroup_id = pods_cgroup_id;
  node.pods_cgroup_level = pods_cgroup_level;
  auto compiled = CompilePolicy(*bundle, node);
  if (!compiled.ok()) FAIL(StatusText(compiled.status()));
  return *compiled;
}

// Rows run in order: the pod_out replies rely on the pod_in rows before them.
std::vector<Row> PodTable() {
  const char* pod = "10.244.1.2";
  const char* pod6 = "fd00:244:1::2";
  return {
      {"to the mesh outbound listener", C8S_DIR_POD_OUT,
       Packet().V4(pod, "10.244.1.1").Tcp(40000, 15001).Build(), C8S_R_ALLOW_MESH},
      {"egress rule", C8S_DIR_POD_OUT, Packet().V4(pod, "203.0.113.9").Tcp(40001, 443).Build(),
       C8S_R_ALLOW_RULE},
      {"v6 egress rule", C8S_DIR_POD_OUT, Packet().V6(pod6, "2001:db8::5").Tcp(40001, 443).Build(),
       C8S_R_ALLOW_RULE},
      {"cluster DNS", C8S_DIR_POD_OUT, Packet().V4(pod, "10.0.0.10").Udp(5353, 53).Build(),
       C8S_R_ALLOW_INFRA},
      {"v6 cluster DNS", C8S_DIR_POD_OUT, Packet().V6(pod6, "fd00::10").Udp(5353, 53).Build(),
       C8S_R_ALLOW_INFRA},
      {"API server", C8S_DIR_POD_OUT, Packet().V4(pod, "10.0.0.1").Tcp(40002, 443).Build(),
       C8S_R_ALLOW_INFRA},
      {"CDS is node-only", C8S_DIR_POD_OUT, Packet().V4(pod, "10.0.0.5").Tcp(40003, 7443).Build(),
       C8S_R_DENY_NODE_ONLY},
      {"metadata is node-only", C8S_DIR_POD_OUT,
       Packet().V4(pod, "169.254.169.254").Tcp(40004, 80).Build(), C8S_R_DENY_NODE_ONLY},
      {"time is node-only", C8S_DIR_POD_OUT, Packet().V4(pod, "10.0.0.20").Udp(40005, 123).Build(),
       C8S_R_DENY_NODE_ONLY},
      {"peer's mesh port", C8S_DIR_POD_OUT, Packet().V4(pod, "10.0.0.12").Tcp(40006, 15443).Build(),
       C8S_R_DENY_MESH_NOT_PROXY},
      {"meshed pod directly (not through the listener)", C8S_DIR_POD_OUT,
       Packet().V4(pod, "10.244.2.2").Tcp(40007, 8080).Build(), C8S_R_DENY_NO_RULE},
      {"unknown destination", C8S_DIR_POD_OUT, Packet().V4(pod, "192.0.2.1").Udp(40008, 9).Build(),
       C8S_R_DENY_NO_RULE},
      {"v6 unknown destination", C8S_DIR_POD_OUT,
       Packet().V6(pod6, "2001:db9::1").Tcp(40008, 443).Build(), C8S_R_DENY_NO_RULE},
      {"fragment", C8S_DIR_POD_OUT,
       Packet().V4(pod, "203.0.113.9").FragOff(0x2000).Tcp(40001, 443).Build(),
       C8S_R_DENY_FRAGMENT},
      {"vlan tag", C8S_DIR_POD_OUT, Packet().Vlan().V4(pod, "203.0.113.9").Tcp(40001, 443).Build(),
       C8S_R_DENY_VLAN},
      {"arp", C8S_DIR_POD_OUT, Packet().EtherType(0x0806).Build(), C8S_R_ALLOW_ARP},
      {"pod's neighbour solicitation for its gateway", C8S_DIR_POD_OUT,
       Packet().V6(pod6, "ff02::1:ff00:1").HopLimit(255).Icmp(135).Build(),
       C8S_R_ALLOW_ICMP_CONTROL},
      // Towards the pod: a connection to it records the pod's reply.
      {"SYN to the pod (mesh inbound proxy)", C8S_DIR_POD_IN,
       Packet().V4("10.244.1.1", pod).Tcp(50000, 8080).Build(), C8S_R_ALLOW_TO_POD},
      {"mid-flow to the pod", C8S_DIR_POD_IN,
       Packet().V4("10.244.1.1", pod).Tcp(50000, 8080).Ack().Build(), C8S_R_ALLOW_TO_POD},
      {"v6 SYN to the pod", C8S_DIR_POD_IN,
       Packet().V6("fd00:244:1::1", pod6).Tcp(50001, 8080).Build(), C8S_R_ALLOW_TO_POD},
      {"pod's reply", C8S_DIR_POD_OUT,
       Packet().V4(pod, "10.244.1.1").Tcp(8080, 50000).Ack().Build(), C8S_R_ALLOW_REPLY},
      {"v6 pod's reply", C8S_DIR_POD_OUT,
       Packet().V6(pod6, "fd00:244:1::1").Tcp(8080, 50001).Ack().Build(), C8S_R_ALLOW_REPLY},
      {"pod's 'reply' to a connection never made", C8S_DIR_POD_OUT,
       Packet().V4(pod, "10.244.1.1").Tcp(8080, 50002).Ack().Build(), C8S_R_DENY_NO_RULE},
      {"echo request to the pod", C8S_DIR_POD_IN, Packet().V4("10.244.1.1", pod).Icmp(8).Build(),
       C8S_R_ALLOW_TO_POD},
      {"pod's echo reply", C8S_DIR_POD_OUT, Packet().V4(pod, "10.244.1.1").Icmp(0).Build(),
       C8S_R_ALLOW_REPLY},
  };
}

TEST_CASE("pod host-side programs: every verdict and reason from the fixture table",
          "[privileged][bpf]") {
  C8S_REQUIRE_PRIVILEGED_OR_SKIP("BPF_PROG_TEST_RUN");
  BpfFixture fx;
  auto probe = Packet().V4("10.244.1.2", "203.0.113.9").Tcp(40000, 443).Build();
  CHECK(fx.Run(fx.tc->pod_out_fd(), probe) == kTcxDrop);  // no policy yet: fail closed
  CHECK(fx.Count(C8S_DIR_POD_OUT, C8S_R_DENY_NO_POLICY) == 1);
  CHECK(fx.Run(fx.tc->pod_in_fd(), probe) == kTcxDrop);
  CHECK(fx.Count(C8S_DIR_POD_IN, C8S_R_DENY_NO_POLICY) == 1);

  fx.Apply(PodPolicy(0, 0));
  for (const Row& row : PodTable()) {
    INFO(row.name << " (want " << DirName(row.dir) << " " << ReasonName(row.reason) << ")");
    uint64_t before = fx.Count(row.dir, row.reason);
    int fd = row.dir == C8S_DIR_POD_OUT ? fx.tc->pod_out_fd() : fx.tc->pod_in_fd();
    CHECK(fx.Run(fd, row.frame) == (row.reason < C8S_R_FIRST_DENY ? kTcxNext : kTcxDrop));
    CHECK(fx.Count(row.dir, row.reason) == before + 1);
  }
}

TEST_CASE(
    "uplink: CDS, metadata and time only from the node's sockets; DNS and the API server "
    "also from pods",
    "[privileged][bpf]") {
  C8S_REQUIRE_PRIVILEGED_OR_SKIP("BPF_PROG_TEST_RUN");
  BpfFixture fx;
  // The test-run skb carries a socket of this process's cgroup.
  auto own = OwnCgroup2Path();
  REQUIRE(own.ok());
  auto own_id = CgroupId(*own);
  auto own_level = CgroupLevel(*own);
  REQUIRE(own_id.ok());
  REQUIRE(own_level.ok());
  const char* us = "10.0.0.11";
  struct Case {
    const char* name;
    std::vector<uint8_t> frame;
    uint32_t from_pod, from_node;
  };
  const std::vector<Case> cases = {
      {"CDS", Packet().V4(us, "10.0.0.5").Tcp(40000, 7443).Build(), C8S_R_DENY_NODE_ONLY,
       C8S_R_ALLOW_INFRA},
      {"metadata", Packet().V4(us, "169.254.169.254").Tcp(40001, 80).Build(), C8S_R_DENY_NODE_ONLY,
       C8S_R_ALLOW_INFRA},
      {"time", Packet().V4(us, "10.0.0.20").Udp(40002, 123).Build(), C8S_R_DENY_NODE_ONLY,
       C8S_R_ALLOW_INFRA},
      {"time over TCP is no infrastructure", Packet().V4(us, "10.0.0.20").Tcp(40002, 123).Build(),
       C8S_R_DENY_NO_RULE, C8S_R_DENY_NO_RULE},
      {"DNS", Packet().V4(us, "10.0.0.10").Udp(40003, 53).Build(), C8S_R_ALLOW_INFRA,
       C8S_R_ALLOW_INFRA},
      {"v6 DNS", Packet().V6("fd00::11", "fd00::10").Udp(40003, 53).Build(), C8S_R_ALLOW_INFRA,
       C8S_R_ALLOW_INFRA},
      {"API server", Packet().V4(us, "10.0.0.1").Tcp(40004, 443).Build(), C8S_R_ALLOW_INFRA,
       C8S_R_ALLOW_INFRA},
  };
  // Our cgroup is the pods' parent: the sender is a pod. Then the pods are somewhere else.
  for (bool pod : {true, false}) {
    fx.Apply(pod ? PodPolicy(*own_id, *own_level) : [&] {
      CompiledPolicy p = PodPolicy(*own_id + 1000000, *own_level);
      p.generation = 6;
      return p;
    }());
    for (const Case& c : cases) {
      const uint32_t want = pod ? c.from_pod : c.from_node;
      INFO(c.name << (pod ? " from a pod" : " from the node") << " (want " << ReasonName(want)
                  << ")");
      uint64_t before = fx.Count(C8S_DIR_EGRESS, want);
      CHECK(fx.Run(fx.tc->egress_fd(), c.frame) == (want < C8S_R_FIRST_DENY ? kTcxNext : kTcxDrop));
      CHECK(fx.Count(C8S_DIR_EGRESS, want) == before + 1);
    }
  }
}

TEST_CASE(
    "uplink: a reply of an inbound flow leaves only from the node's sockets, never as a "
    "forwarded or pod packet with the node's address",
    "[privileged][bpf]") {
  C8S_REQUIRE_PRIVILEGED_OR_SKIP("BPF_PROG_TEST_RUN");
  BpfFixture fx;
  auto own = OwnCgroup2Path();
  REQUIRE(own.ok());
  auto own_id = CgroupId(*own);
  auto own_level = CgroupLevel(*own);
  REQUIRE(own_id.ok());
  REQUIRE(own_level.ok());
  const char* us = "10.0.0.11";
  // An outside party opens a flow to an ingress port open to any source.
  auto open_flow = [&](uint16_t sport) {
    REQUIRE(fx.Run(fx.tc->ingress_fd(), Packet().V4("192.0.2.7", us).Tcp(sport, 9443).Build()) ==
            kTcxNext);
  };
  auto reply = [&](uint16_t dport) {
    return fx.Run(fx.tc->egress_fd(), Packet().V4(us, "192.0.2.7").Tcp(9443, dport).Ack().Build());
  };
  fx.Apply(TestPolicy(1, 0, "", {9443}));  // pods' cgroup unknown: our socket is the node's
  open_flow(50000);
  CHECK(reply(50000) == kTcxNext);
  CHECK(fx.Count(C8S_DIR_EGRESS, C8S_R_ALLOW_REPLY) == 1);
  // Our cgroup is the pods' parent now: the same reply from a pod's socket is dropped.
  CompiledPolicy pods = TestPolicy(2, 0, "", {9443});
  pods.config.pods_cgroup_id = *own_id;
  pods.config.pods_cgroup_level = *own_level;
  fx.Apply(pods);
  open_flow(50001);
  CHECK(reply(50001) == kTcxDrop);
  CHECK(fx.Count(C8S_DIR_EGRESS, C8S_R_DENY_NO_RULE) == 1);
  CHECK(fx.Count(C8S_DIR_EGRESS, C8S_R_ALLOW_REPLY) == 1);
}

uint32_t CtEntries(int map_fd) {
  c8s_ct_key key{}, next{};
  uint32_t n = 0;
  const void* prev = nullptr;
  while (bpf_map_get_next_key(map_fd, prev, &next) == 0) {
    ++n;
    key = next;
    prev = &key;
  }
  return n;
}

TEST_CASE(
    "a full connection-tracking map evicts the least recently used flows and drops their "
    "replies (fail closed)",
    "[privileged][bpf]") {
  C8S_REQUIRE_PRIVILEGED_OR_SKIP("BPF_PROG_TEST_RUN");
  constexpr uint32_t kCapacity = 512;
  constexpr uint16_t kFlows = 4 * kCapacity;
  PinDir pins;
  RaiseMemlock();
  auto tc = TcObject::Load({pins.maps(), 1000, 300, kCapacity});
  if (!tc.ok()) FAIL(StatusText(tc.status()));
  auto opened = PolicyMaps::Open(pins.maps());
  REQUIRE(opened.ok());
  REQUIRE(opened->InitializeOrCheckVersion().ok());
  REQUIRE(opened->Apply(TestPolicy(1, 0)).ok());
  UniqueFd ct(bpf_obj_get((pins.maps() + "/c8s_ct").c_str()));
  REQUIRE(ct.get() >= 0);
  bpf_map_info info{};
  __u32 len = sizeof(info);
  REQUIRE(bpf_map_get_info_by_fd(ct.get(), &info, &len) == 0);
  CHECK(info.max_entries == kCapacity);

  auto run = [&](int fd, const std::vector<uint8_t>& frame) {
    std::vector<uint8_t> out(frame.size() + 256);
    LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = frame.data(), .data_out = out.data(),
                .data_size_in = static_cast<__u32>(frame.size()),
                .data_size_out = static_cast<__u32>(out.size()), .repeat = 1);
    REQUIRE(bpf_prog_test_run_opts(fd, &o) == 0);
    return o.retval;
  };
  // Four times as many allowed flows (SYNs by a rule) as the map holds.
  for (uint16_t i = 0; i < kFlows; ++i)
    REQUIRE(run((*tc)->egress_fd(),
                Packet().V4("10.0.0.11", "203.0.113.9").Tcp(20000 + i, 443).Build()) == kTcxNext);
  CHECK(CtEntries(ct.get()) <= kCapacity);
  auto allow_reply = [&] { return *opened->Count(C8S_DIR_INGRESS, C8S_R_ALLOW_REPLY); };
  auto deny = [&] { return *opened->Count(C8S_DIR_INGRESS, C8S_R_DENY_NO_RULE); };
  CHECK(*opened->Count(C8S_DIR_EGRESS, C8S_R_ALLOW_RULE) == kFlows);
  CHECK(*opened->Count(C8S_DIR_EGRESS, C8S_R_DENY_CT_FULL) == 0);  // LRU: inserts never fail

  // The newest flow's reply still comes in; the oldest ones were evicted: dropped, not opened.
  CHECK(run((*tc)->ingress_fd(),
            Packet().V4("203.0.113.9", "10.0.0.11").Tcp(443, 20000 + kFlows - 1).Ack().Build()) ==
        kTcxNext);
  CHECK(allow_reply() == 1);
  uint64_t allowed = 0;
  for (uint16_t i = 0; i < kCapacity; ++i) {
    uint64_t before = allow_reply();
    uint32_t ret = run((*tc)->ingress_fd(),
                       Packet().V4("203.0.113.9", "10.0.0.11").Tcp(443, 20000 + i).Ack().Build());
    allowed += allow_reply() - before;
    CHECK((ret == kTcxNext) == (allow_reply() > before));
  }
  INFO(allowed << " of the " << kCapacity << " oldest flows still had their entry");
  CHECK(allowed == 0);
  CHECK(deny() == kCapacity);
  // Overall, never more replies allowed than the map can hold.
  for (uint16_t i = kCapacity; i < kFlows - 1; ++i)
    run((*tc)->ingress_fd(),
        Packet().V4("203.0.113.9", "10.0.0.11").Tcp(443, 20000 + i).Ack().Build());
  CHECK(allow_reply() <= kCapacity);
  CHECK(allow_reply() + deny() == kFlows);
}

}  // namespace
}  // namespace c8s::ebpf::testing
