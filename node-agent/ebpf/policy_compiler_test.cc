#include "node-agent/ebpf/policy_compiler.h"

#include <arpa/inet.h>

#include <catch2/catch_test_macros.hpp>
#include <set>

#include "node-agent/ebpf/bundle_for_test.h"
#include "node-agent/ebpf/policy_bundle.h"

namespace c8s::ebpf {
namespace {

const std::string kBundle = testing::BundleJson(
    testing::Bundle(7, {{"shop/api",
                         {testing::Egress("2001:db8::/32", "UDP", {53, 123}),
                          testing::Egress("203.0.113.0/24", "TCP", {443}),
                          testing::Egress("203.0.113.7/32", "TCP", {80})}},
                        {"shop/web", {testing::Egress("203.0.0.0/16", "TCP", {8443})}}}));

std::set<uint16_t> PortsOfRuleSet(const CompiledPolicy& p, uint32_t set, uint8_t proto) {
  std::set<uint16_t> out;
  for (const auto& [k, v] : p.ports)
    if (k.rule_set == set && k.proto == proto && v.kind == 0) out.insert(ntohs(k.port));
  return out;
}

uint32_t RuleSetOf(const CompiledPolicy& p, std::string_view cidr) {
  c8s_lpm_key want = LpmKeyFor(*ParseCidr(cidr));
  for (const auto& [k, v] : p.rules)
    if (k.prefixlen == want.prefixlen && k.family == want.family &&
        std::equal(k.addr, k.addr + 4, want.addr))
      return v.rule_set;
  return 0;
}

TEST_CASE("a bundle parses into rules, nodes and infrastructure", "[unit][bpf]") {
  auto b = ParsePolicyBundle(kBundle);
  REQUIRE(b.ok());
  CHECK(b->generation == 7);
  CHECK(b->egress.size() == 4);
  CHECK(b->nodes.size() == 2);
  CHECK(b->infrastructure.size() == 3);
  REQUIRE(b->mesh_cidrs.size() == 1);
  CHECK(b->mesh_cidrs[0].prefix == 16);
}

TEST_CASE("nested CIDRs inherit the ports of every containing rule", "[unit][bpf]") {
  auto b = ParsePolicyBundle(kBundle);
  REQUIRE(b.ok());
  NodeSettings node;
  node.node_name = "node-1";
  auto p = CompilePolicy(*b, node);
  REQUIRE(p.ok());
  CHECK(p->rules.size() == 4 + 4);  // 4 rule CIDRs, 4 infrastructure hosts (cds, api, dns, peer)
  uint32_t host = RuleSetOf(*p, "203.0.113.7/32");
  uint32_t net24 = RuleSetOf(*p, "203.0.113.0/24");
  uint32_t net16 = RuleSetOf(*p, "203.0.0.0/16");
  REQUIRE(host != 0);
  CHECK(PortsOfRuleSet(*p, host, C8S_PROTO_TCP) == std::set<uint16_t>{80, 443, 8443});
  CHECK(PortsOfRuleSet(*p, net24, C8S_PROTO_TCP) == std::set<uint16_t>{443, 8443});
  CHECK(PortsOfRuleSet(*p, net16, C8S_PROTO_TCP) == std::set<uint16_t>{8443});
  CHECK(PortsOfRuleSet(*p, RuleSetOf(*p, "2001:db8::/32"), C8S_PROTO_UDP) ==
        std::set<uint16_t>{53, 123});
}

TEST_CASE("mesh peers, kubelet and DNS become infrastructure entries", "[unit][bpf]") {
  auto b = ParsePolicyBundle(kBundle);
  REQUIRE(b.ok());
  NodeSettings node;
  node.node_name = "node-1";
  auto p = CompilePolicy(*b, node);
  REQUIRE(p.ok());
  int peers_out = 0, peers_in = 0, kubelet = 0, dns_udp = 0;
  for (const auto& [k, v] : p->infra) {
    if (v.kind == C8S_INFRA_MESH_PEER && k.dir == C8S_DIR_EGRESS) ++peers_out;
    if (v.kind == C8S_INFRA_MESH_PEER && k.dir == C8S_DIR_INGRESS) ++peers_in;
    if (v.kind == C8S_INFRA_KUBELET) kubelet += ntohs(k.port) == 10250;
    if (v.kind == C8S_INFRA_DNS && k.proto == C8S_PROTO_UDP) ++dns_udp;
  }
  CHECK(peers_out == 1);  // node-2 only: not ourselves
  CHECK(peers_in == 1);
  CHECK(kubelet == 1);
  CHECK(dns_udp == 1);
  node.node_name = "node-9";
  CHECK(!CompilePolicy(*b, node).ok());
}

// Kind of the c8s_ports entry for (cidr's rule set, proto, port), or -1.
int64_t KindOf(const CompiledPolicy& p, std::string_view cidr, uint8_t proto, uint16_t port) {
  uint32_t set = RuleSetOf(p, cidr);
  for (const auto& [k, v] : p.ports)
    if (k.rule_set == set && k.proto == proto && ntohs(k.port) == port) return v.kind;
  return -1;
}

TEST_CASE("infrastructure and mesh peers share the rule trie; a mesh port is never a rule",
          "[unit][bpf]") {
  auto b = ParsePolicyBundle(kBundle);
  REQUIRE(b.ok());
  EgressRule wide;  // a rule that covers node-2's mesh port and the DNS server
  wide.cidr = *ParseCidr("10.0.0.0/8");
  b->egress.push_back(wide);
  NodeSettings node;
  node.node_name = "node-1";
  auto p = CompilePolicy(*b, node);
  REQUIRE(p.ok());
  CHECK(KindOf(*p, "10.0.0.12/32", C8S_PROTO_TCP, 15443) == C8S_INFRA_MESH_PEER);
  CHECK(KindOf(*p, "10.0.0.12/32", C8S_PROTO_TCP, 0) == 0);  // the rest of node-2: the rule
  CHECK(KindOf(*p, "10.0.0.10/32", C8S_PROTO_UDP, 53) == C8S_INFRA_DNS);
  CHECK(KindOf(*p, "10.0.0.10/32", C8S_PROTO_TCP, 53) == C8S_INFRA_DNS);
  CHECK(KindOf(*p, "10.0.0.5/32", C8S_PROTO_TCP, 7443) == C8S_INFRA_CDS);
  CHECK(KindOf(*p, "10.0.0.11/32", C8S_PROTO_TCP, 15443) == -1);  // ourselves: no entry
}

TEST_CASE("bad bundles are refused with the failed check named", "[unit][bpf]") {
  CHECK(!ParsePolicyBundle("").ok());
  CHECK(!ParsePolicyBundle("[]").ok());
  CHECK(!ParsePolicyBundle(R"({"apiVersion": "x", "generation": 1})").ok());
  nlohmann::json doc = nlohmann::json::parse(kBundle);
  doc["identities"][0]["egress"][0]["cidr"] = "10.0.0.0/33";
  auto bad_cidr = ParsePolicyBundle(doc.dump());
  REQUIRE(!bad_cidr.ok());
  CHECK(std::string(bad_cidr.status().message()).find("identities[0].egress[0].cidr") !=
        std::string::npos);
  doc = nlohmann::json::parse(kBundle);
  doc["infrastructure"]["ntp"] = {"10.0.0.9:123"};  // unknown fields are refused
  CHECK(!ParsePolicyBundle(doc.dump()).ok());
  // The signed envelope is accepted as well (the signature is the caller's to check).
  nlohmann::json envelope = {{"bundle", nlohmann::json::parse(kBundle)}, {"signature", "AAAA"}};
  CHECK(ParsePolicyBundle(envelope.dump())->generation == 7);
  CHECK(!ParseEndpoint("10.0.0.1").ok());
  CHECK(!ParseEndpoint("10.0.0.1:0").ok());
  CHECK(!ParseEndpoint("[10.0.0.1]:53").ok());
  CHECK(ParseEndpoint("[fd00::1]:53")->port == 53);
  CHECK(ParseCidr("10.1.2.3/8")->addr == ParseCidr("10.0.0.0/8")->addr);  // host bits cleared
}

}  // namespace
}  // namespace c8s::ebpf
