#include "node-agent/ebpf/policy_compiler.h"

#include <arpa/inet.h>

#include <cstring>
#include <map>
#include <set>
#include <string>

#include "lib/base/strings.h"

namespace c8s::ebpf {
namespace {

// A CIDR as a comparable map key: family, prefix, masked bytes.
std::string CidrId(const IpAddr& a, int prefix) {
  std::string id(18, '\0');
  id[0] = static_cast<char>(a.family);
  id[1] = static_cast<char>(prefix);
  for (int bit = 0; bit < prefix; ++bit)
    if (a.bytes[bit / 8] & (0x80u >> (bit % 8))) id[2 + bit / 8] |= static_cast<char>(0x80u >> (bit % 8));
  return id;
}

void CopyAddr(const IpAddr& ip, __u32 out[4]) { std::memcpy(out, ip.bytes, 16); }

uint8_t Family(const IpAddr& ip) { return ip.family == 4 ? C8S_FAM_V4 : C8S_FAM_V6; }

void AddInfra(CompiledPolicy& out, uint8_t dir, const IpAddr* addr, uint8_t family, uint8_t proto,
              uint16_t port, uint32_t kind) {
  c8s_infra_key k{};
  k.dir = dir;
  k.family = family;
  k.proto = proto;
  k.port = htons(port);
  if (addr != nullptr) CopyAddr(*addr, k.addr);
  out.infra.push_back({k, c8s_infra_value{kind}});
}

// (protocol, port in host order) -> kind of c8s_port_value (0: rule, else c8s_infra_kind).
using PortKinds = std::map<std::pair<uint8_t, uint16_t>, uint32_t>;

// A peer's mesh port must stay proxy-only even when a rule also covers it; any infrastructure
// kind beats a plain rule.
void MergeKind(PortKinds& ports, std::pair<uint8_t, uint16_t> port, uint32_t kind) {
  auto [it, inserted] = ports.emplace(port, kind);
  if (inserted || it->second == C8S_INFRA_MESH_PEER) return;
  if (kind != 0) it->second = kind;
}

uint32_t InfraKind(const std::string& name) {
  if (name == "cds") return C8S_INFRA_CDS;
  if (name == "apiServer") return C8S_INFRA_API_SERVER;
  if (name == "dns") return C8S_INFRA_DNS;
  if (name == "metadata") return C8S_INFRA_METADATA;
  if (name == "time") return C8S_INFRA_TIME;
  return C8S_INFRA_OTHER;
}

}  // namespace

c8s_lpm_key LpmKeyFor(const Cidr& cidr) {
  c8s_lpm_key k{};
  k.prefixlen = C8S_LPM_PREFIX_BITS + cidr.prefix;
  k.family = Family(cidr.addr);
  CopyAddr(cidr.addr, k.addr);
  return k;
}

absl::StatusOr<CompiledPolicy> CompilePolicy(const PolicyBundle& bundle,
                                             const NodeSettings& node) {
  CompiledPolicy out;
  out.generation = bundle.generation;
  out.config.proxy_cgroup_id = node.proxy_cgroup_id;
  out.config.pods_cgroup_id = node.pods_cgroup_id;
  out.config.pods_cgroup_level = node.pods_cgroup_level;
  if (node.redirect.port != 0) {
    if (node.redirect.addr.family != 4)
      return absl::InvalidArgumentError("mesh outbound listener must be an IPv4 address");
    std::memcpy(&out.config.redirect_ip4, node.redirect.addr.bytes, 4);
    out.config.redirect_port = htons(node.redirect.port);
    CopyAddr(node.redirect_v6, out.config.redirect_ip6);
  }

  // Egress: the (proto, port) pairs per distinct CIDR, then flattened along containment.
  std::map<std::string, std::pair<Cidr, PortKinds>> by_cidr;
  for (const EgressRule& r : bundle.egress) {
    auto& entry = by_cidr[CidrId(r.cidr.addr, r.cidr.prefix)];
    entry.first = r.cidr;
    auto proto = static_cast<uint8_t>(r.proto);
    if (r.proto == Proto::kIcmp) {
      MergeKind(entry.second, {r.cidr.addr.family == 4 ? C8S_PROTO_ICMP : C8S_PROTO_ICMPV6, 0}, 0);
      continue;
    }
    if (r.ports.empty()) MergeKind(entry.second, {proto, 0}, 0);
    for (uint16_t p : r.ports) MergeKind(entry.second, {proto, p}, 0);
  }

  // Infrastructure egress (and kubelet ingress from the API server).
  for (const InfraEndpoint& e : bundle.infrastructure) {
    uint32_t kind = InfraKind(e.kind);
    uint8_t fam = Family(e.endpoint.addr);
    if (kind == C8S_INFRA_DNS || kind == C8S_INFRA_TIME || kind == C8S_INFRA_OTHER)
      AddInfra(out, C8S_DIR_EGRESS, &e.endpoint.addr, fam, C8S_PROTO_UDP, e.endpoint.port, kind);
    if (kind != C8S_INFRA_TIME)
      AddInfra(out, C8S_DIR_EGRESS, &e.endpoint.addr, fam, C8S_PROTO_TCP, e.endpoint.port, kind);
    if (kind == C8S_INFRA_API_SERVER && node.kubelet_port != 0)
      AddInfra(out, C8S_DIR_INGRESS, &e.endpoint.addr, fam, C8S_PROTO_TCP, node.kubelet_port,
               C8S_INFRA_KUBELET);
  }

  // Mesh: other nodes' inbound ports (egress, proxy only); our inbound port from the nodes.
  const MeshNode* self = nullptr;
  for (const MeshNode& n : bundle.nodes)
    if (n.name == node.node_name) self = &n;
  if (!node.node_name.empty() && self == nullptr)
    return absl::InvalidArgumentError(
        StrCat("node '", node.node_name, "' is not in the bundle's nodes"));
  for (const MeshNode& n : bundle.nodes) {
    if (&n == self) continue;
    AddInfra(out, C8S_DIR_EGRESS, &n.addr, Family(n.addr), C8S_PROTO_TCP, n.mesh_port,
             C8S_INFRA_MESH_PEER);
    std::set<uint16_t> inbound;
    if (self != nullptr) inbound.insert(self->mesh_port);
    else for (const MeshNode& m : bundle.nodes) inbound.insert(m.mesh_port);
    for (uint16_t port : inbound)
      AddInfra(out, C8S_DIR_INGRESS, &n.addr, Family(n.addr), C8S_PROTO_TCP, port,
               C8S_INFRA_MESH_PEER);
  }
  for (uint16_t port : node.ingress_ports) {
    AddInfra(out, C8S_DIR_INGRESS, nullptr, C8S_FAM_V4, C8S_PROTO_TCP, port, C8S_INFRA_INGRESS_PORT);
    AddInfra(out, C8S_DIR_INGRESS, nullptr, C8S_FAM_V6, C8S_PROTO_TCP, port, C8S_INFRA_INGRESS_PORT);
  }
  for (const Cidr& c : bundle.mesh_cidrs) out.mesh_cidrs.push_back(LpmKeyFor(c));

  // Egress infrastructure entries also become host prefixes of the rule trie, so the uplink
  // decides rules, infrastructure and mesh peers with one trie lookup (c8s_policy_lookup).
  for (const auto& [k, v] : out.infra) {
    if (k.dir != C8S_DIR_EGRESS) continue;
    Cidr host;
    host.addr.family = k.family == C8S_FAM_V4 ? 4 : 6;
    std::memcpy(host.addr.bytes, k.addr, 16);
    host.prefix = host.addr.family == 4 ? 32 : 128;
    auto& entry = by_cidr[CidrId(host.addr, host.prefix)];
    entry.first = host;
    MergeKind(entry.second, {k.proto, ntohs(k.port)}, v.kind);
  }
  uint32_t rule_set = 0;
  for (const auto& [id, entry] : by_cidr) {
    const Cidr& c = entry.first;
    PortKinds ports = entry.second;
    for (int shorter = 0; shorter < c.prefix; ++shorter) {  // <= 128 lookups per CIDR
      auto it = by_cidr.find(CidrId(c.addr, shorter));
      if (it == by_cidr.end()) continue;
      for (const auto& [port, kind] : it->second.second) MergeKind(ports, port, kind);
    }
    ++rule_set;
    c8s_lpm_value value{};
    value.rule_set = rule_set;
    value.count = static_cast<uint32_t>(ports.size());
    if (ports.size() <= C8S_LPM_INLINE_PORTS) {
      size_t i = 0;
      for (const auto& [proto_port, kind] : ports)
        value.ports[i++] = c8s_port_entry{proto_port.first, static_cast<uint8_t>(kind),
                                          htons(proto_port.second)};
    }
    out.rules.push_back({LpmKeyFor(c), value});
    for (const auto& [proto_port, kind] : ports) {  // always: the complete view
      c8s_port_key pk{};
      pk.rule_set = rule_set;
      pk.proto = proto_port.first;
      pk.port = htons(proto_port.second);
      out.ports.push_back({pk, c8s_port_value{kind}});
    }
  }
  return out;
}

}  // namespace c8s::ebpf
