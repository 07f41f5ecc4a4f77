// The supervisor's pure parts: interface classification and default routes, deny-event log
// fields and their rate limit, the Prometheus text, and the bootstrap policy.
#include <arpa/inet.h>

#include <catch2/catch_test_macros.hpp>
#include <string>
#include <vector>

#include "lib/base/log.h"
#include "node-agent/ebpf/bootstrap_policy.h"
#include "node-agent/ebpf/deny_log.h"
#include "node-agent/ebpf/interface_select.h"
#include "node-agent/ebpf/metrics.h"

namespace c8s::ebpf {
namespace {

TEST_CASE("default routes from /proc/net/route and ipv6_route", "[unit][bpf]") {
  const std::string v4 =
      "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n"
      "ens5\t00000000\t0100000A\t0003\t0\t0\t100\t00000000\t0\t0\t0\n"
      "ens5\t0000000A\t00000000\t0001\t0\t0\t100\t00FFFFFF\t0\t0\t0\n"
      "cni0\t0001F40A\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0\n";
  const std::string v6 =
      "00000000000000000000000000000000 00 00000000000000000000000000000000 00 "
      "fe800000000000000000000000000001 00000400 00000001 00000000 00450003 bond0\n"
      "00000000000000000000000000000000 00 00000000000000000000000000000000 00 "
      "00000000000000000000000000000000 ffffffff 00000001 00000000 00200200 lo\n"
      "fd000000000000000000000000000000 40 00000000000000000000000000000000 00 "
      "00000000000000000000000000000000 00000100 00000001 00000000 00000001 ens6\n";
  CHECK(ParseDefaultRoutes(v4, v6) == std::set<std::string>{"ens5", "bond0"});
  CHECK(ParseDefaultRoutes("", "").empty());
  CHECK(ParseDefaultRoutes("garbage\nnot a route line\n", "short line\n").empty());
}

TEST_CASE("interfaces: uplinks by name, pattern or default route; pods by pattern", "[unit][bpf]") {
  InterfaceSelector sel;
  sel.uplinks = {"bond0"};
  sel.uplink_patterns = {"ens*"};
  sel.pod_patterns = {"veth*", "cali*"};
  std::vector<InterfaceInfo> ifaces = {
      {"lo", 1, true},        {"ens5", 2, false},   {"bond0", 3, false},   {"eth9", 4, false},
      {"veth1a2b", 5, false}, {"cali77", 6, false}, {"docker0", 7, false}, {"ensveth", 8, false}};
  auto roles = ClassifyInterfaces(sel, ifaces, {"eth9", "lo"});
  CHECK(roles.size() == 6);
  CHECK(roles.count("lo") == 0);       // never, even with a default route
  CHECK(roles.count("docker0") == 0);  // matched by nothing
  CHECK(roles["ens5"] == InterfaceRole::kUplink);
  CHECK(roles["bond0"] == InterfaceRole::kUplink);
  CHECK(roles["eth9"] == InterfaceRole::kUplink);  // default route
  CHECK(roles["veth1a2b"] == InterfaceRole::kPod);
  CHECK(roles["cali77"] == InterfaceRole::kPod);
  CHECK(roles["ensveth"] == InterfaceRole::kUplink);  // both: the stricter role
  sel.default_route_uplinks = false;
  CHECK(ClassifyInterfaces(sel, ifaces, {"eth9"}).count("eth9") == 0);
}

c8s_deny_event Event(uint8_t dir, uint8_t reason) {
  c8s_deny_event ev{};
  ev.version = C8S_LAYOUT_VERSION;
  ev.dir = dir;
  ev.reason = reason;
  ev.family = C8S_FAM_V4;
  ev.proto = C8S_PROTO_TCP;
  ev.cgroup_id = 4242;
  ev.sport = htons(40000);
  ev.dport = htons(9001);
  ev.ifindex = 3;
  inet_pton(AF_INET, "10.244.1.2", ev.saddr);
  inet_pton(AF_INET, "10.0.0.12", ev.daddr);
  return ev;
}

TEST_CASE("deny events become key=value fields with the pod named", "[unit][bpf]") {
  using Fields = std::vector<std::pair<std::string, std::string>>;
  PodResolver pods = [](uint64_t id) { return id == 4242 ? "shop/api-0" : ""; };
  CHECK(DenyEventFields(Event(C8S_DIR_EGRESS, C8S_R_DENY_NO_RULE), pods) ==
        Fields{{"event", "egress_denied"},
               {"dir", "egress"},
               {"pod", "shop/api-0"},
               {"proto", "tcp"},
               {"src", "10.244.1.2:40000"},
               {"dst", "10.0.0.12:9001"},
               {"reason", "deny_no_rule"},
               {"ifindex", "3"}});
  // Unknown cgroup, no resolver: the id. Socket hooks have no source or interface.
  c8s_deny_event sock = Event(C8S_DIR_CONNECT, C8S_R_DENY_NODE_ONLY);
  sock.cgroup_id = 7;
  sock.ifindex = 0;
  auto f = DenyEventFields(sock, nullptr);
  CHECK(f[2].second == "cgroup:7");
  CHECK(f[4].second == "-");
  CHECK(f[6].second == "deny_node_only");
  CHECK(f[7].second == "-");
  // Inbound, IPv6 UDP, no socket.
  c8s_deny_event in = Event(C8S_DIR_INGRESS, C8S_R_DENY_FRAGMENT);
  in.family = C8S_FAM_V6;
  in.proto = C8S_PROTO_UDP;
  in.cgroup_id = 0;
  inet_pton(AF_INET6, "2001:db8::7", in.saddr);
  inet_pton(AF_INET6, "fd00::11", in.daddr);
  f = DenyEventFields(in, pods);
  CHECK(f[0].second == "ingress_denied");
  CHECK(f[2].second == "-");
  CHECK(f[3].second == "udp");
  CHECK(f[4].second == "[2001:db8::7]:40000");
  CHECK(f[5].second == "[fd00::11]:9001");
  // A record with an unknown family or an out-of-range code never breaks formatting.
  c8s_deny_event junk{};
  junk.family = 99;
  junk.dir = 200;
  junk.reason = 250;
  junk.proto = 200;
  f = DenyEventFields(junk, pods);
  CHECK(f[5].second == "-");
  CHECK(f[3].second == "200");
}

TEST_CASE("deny log: at most per_second lines a second, the rest counted", "[unit][bpf]") {
  std::vector<std::string> lines;
  log::SetSink([&](std::string_view l) { lines.emplace_back(l); });
  DenyLog dl(3, nullptr);
  const uint64_t t0 = 1000000000000ull;
  c8s_deny_event ev = Event(C8S_DIR_EGRESS, C8S_R_DENY_NO_RULE);
  int logged = 0;
  for (int i = 0; i < 10; ++i) logged += dl.Record(ev, t0 + i * 1000) ? 1 : 0;
  CHECK(logged == 3);
  CHECK(dl.events() == 10);
  CHECK(dl.suppressed() == 7);
  CHECK(dl.Record(ev, t0 + 400000000ull));  // 0.4 s later: one token back
  CHECK(!dl.Record(ev, t0 + 400000001ull));
  for (int i = 0; i < 5; ++i) dl.Record(ev, t0 + 10000000000ull);  // 10 s later: 3 (capped)
  CHECK(dl.suppressed() == 10);
  log::SetSink(nullptr);
  REQUIRE(lines.size() == 7);
  CHECK(lines[0].find("level=warn") != std::string::npos);
  CHECK(lines[0].find("msg=\"flow denied\" event=egress_denied dir=egress pod=cgroup:4242 "
                      "proto=tcp src=10.244.1.2:40000 dst=10.0.0.12:9001 reason=deny_no_rule "
                      "ifindex=3") != std::string::npos);
}

TEST_CASE("Prometheus text of counters, generation, attachments and displacement", "[unit][bpf]") {
  DataPlaneStatus st;
  st.state.active_slot = 1;
  st.state.generation = 12;
  st.counters = {{C8S_DIR_EGRESS, C8S_R_DENY_NO_RULE, 5, 300},
                 {C8S_DIR_CONNECT, C8S_R_REDIRECT_MESH, 2, 0}};
  LinkStatus up;
  up.name = "tc-eth0-egress";
  LinkStatus pod;
  pod.name = "pod-veth1-out";
  pod.first = false;
  pod.problem = "displaced: program 9 now runs before ours";
  LinkStatus cg;
  cg.name = "cg-connect4";
  st.links = {up, pod, cg};
  SupervisorCounters c;
  c.deny_events = 5;
  c.deny_log_suppressed = 2;
  c.displaced_events = 1;
  std::string text = PrometheusText(st, c);
  auto has = [&](const std::string& s) { return text.find(s) != std::string::npos; };
  CHECK(has("# TYPE c8s_bpf_packets_total counter\n"));
  CHECK(has("c8s_bpf_packets_total{dir=\"egress\",reason=\"deny_no_rule\"} 5\n"));
  CHECK(has("c8s_bpf_packets_total{dir=\"connect\",reason=\"redirect_mesh\"} 2\n"));
  CHECK(has("c8s_bpf_bytes_total{dir=\"egress\",reason=\"deny_no_rule\"} 300\n"));
  CHECK(!has("c8s_bpf_bytes_total{dir=\"connect\""));
  CHECK(has("c8s_bpf_policy_generation 12\n"));
  CHECK(has("c8s_bpf_attached{interface=\"eth0\",role=\"uplink\",hook=\"egress\"} 1\n"));
  CHECK(has("c8s_bpf_attached{interface=\"veth1\",role=\"pod\",hook=\"ingress\"} 1\n"));
  CHECK(has("c8s_bpf_displaced{link=\"tc-eth0-egress\"} 0\n"));
  CHECK(has("c8s_bpf_displaced{link=\"pod-veth1-out\"} 1\n"));
  CHECK(!has("cg-connect4"));  // cgroup links have no chain order
  CHECK(has("c8s_bpf_displaced_events_total 1\n"));
  CHECK(has("c8s_bpf_deny_events_total 5\n"));
  CHECK(has("c8s_bpf_deny_log_suppressed_total 2\n"));
  st.state.active_slot = 0xffffffffu;
  CHECK(PrometheusText(st, c).find("c8s_bpf_policy_generation -1\n") != std::string::npos);
}

TEST_CASE("bootstrap policy: generation 0, infrastructure only, bad entries named", "[unit][bpf]") {
  manifest::BundleInfrastructure infra;
  infra.cds = {"10.0.0.5:7443"};
  infra.api_server = {"10.0.0.1:443"};
  infra.dns = {"10.0.0.10:53"};
  infra.metadata = {"169.254.169.254:80"};
  infra.time = {"[fd00::123]:123"};
  infra.mesh_cidrs = {"10.244.0.0/16"};
  NodeSettings node;
  node.node_name = "node-1";
  node.redirect = *ParseEndpoint("10.244.1.1:15001");
  auto p = CompileBootstrapPolicy(infra, node);
  REQUIRE(p.ok());
  CHECK(p->generation == kBootstrapGeneration);
  CHECK(p->mesh_cidrs.empty());  // nothing is meshed before the bundle says so
  CHECK(p->config.redirect_port == 0);
  // cds, api server, metadata: TCP; DNS: UDP + TCP; time: UDP; kubelet from the API server.
  CHECK(p->infra.size() == 7);
  CHECK(!p->rules.empty());
  infra.metadata = {"169.254.169.254"};
  auto bad = CompileBootstrapPolicy(infra, node);
  REQUIRE(!bad.ok());
  CHECK(bad.status().message().find("bootstrap infrastructure (agent configuration)") == 0);
  CHECK(bad.status().message().find("169.254.169.254") != std::string::npos);
}

}  // namespace
}  // namespace c8s::ebpf
