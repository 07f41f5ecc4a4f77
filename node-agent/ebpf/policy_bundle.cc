#include "node-agent/ebpf/policy_bundle.h"

#include <arpa/inet.h>

#include <nlohmann/json.hpp>

#include "lib/base/status.h"
#include "lib/base/strings.h"

namespace c8s::ebpf {
namespace {

absl::Status Bad(std::string_view what) {
  return absl::InvalidArgumentError(StrCat("policy bundle: ", what));
}

absl::StatusOr<uint16_t> ParsePort(std::string_view text) {
  if (text.empty() || text.size() > 5) return Bad(StrCat("bad port '", text, "'"));
  uint32_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return Bad(StrCat("bad port '", text, "'"));
    v = v * 10 + static_cast<uint32_t>(c - '0');
  }
  if (v == 0 || v > 65535) return Bad(StrCat("port out of range '", text, "'"));
  return static_cast<uint16_t>(v);
}

}  // namespace

absl::StatusOr<IpAddr> ParseIp(std::string_view text) {
  std::string s(text);
  IpAddr ip;
  if (inet_pton(AF_INET, s.c_str(), ip.bytes) == 1) {
    ip.family = 4;
    return ip;
  }
  if (inet_pton(AF_INET6, s.c_str(), ip.bytes) == 1) {
    ip.family = 6;
    return ip;
  }
  return Bad(StrCat("bad IP address '", text, "'"));
}

absl::StatusOr<Cidr> ParseCidr(std::string_view text) {
  size_t slash = text.find('/');
  ASSIGN_OR_RETURN(IpAddr ip, ParseIp(text.substr(0, slash)));
  int max = ip.family == 4 ? 32 : 128;
  int prefix = max;
  if (slash != std::string_view::npos) {
    std::string_view p = text.substr(slash + 1);
    if (p.empty() || p.size() > 3) return Bad(StrCat("bad prefix in '", text, "'"));
    prefix = 0;
    for (char c : p) {
      if (c < '0' || c > '9') return Bad(StrCat("bad prefix in '", text, "'"));
      prefix = prefix * 10 + (c - '0');
    }
    if (prefix > max) return Bad(StrCat("prefix longer than ", max, " in '", text, "'"));
  }
  Cidr c;
  c.prefix = static_cast<uint8_t>(prefix);
  c.addr = ip;
  for (int bit = prefix; bit < 128; ++bit) c.addr.bytes[bit / 8] &= ~(0x80u >> (bit % 8));
  return c;
}

absl::StatusOr<Endpoint> ParseEndpoint(std::string_view text) {
  Endpoint e;
  std::string_view host, port;
  if (!text.empty() && text[0] == '[') {
    size_t close = text.find("]:");
    if (close == std::string_view::npos) return Bad(StrCat("bad endpoint '", text, "'"));
    host = text.substr(1, close - 1);
    port = text.substr(close + 2);
    ASSIGN_OR_RETURN(e.addr, ParseIp(host));
    if (e.addr.family != 6) return Bad(StrCat("bracketed address must be IPv6: '", text, "'"));
  } else {
    size_t colon = text.rfind(':');
    if (colon == std::string_view::npos || text.find(':') != colon)
      return Bad(StrCat("endpoint must be host:port or [v6]:port, got '", text, "'"));
    ASSIGN_OR_RETURN(e.addr, ParseIp(text.substr(0, colon)));
    port = text.substr(colon + 1);
  }
  ASSIGN_OR_RETURN(e.port, ParsePort(port));
  return e;
}

std::string FormatIp(const IpAddr& ip) {
  char buf[INET6_ADDRSTRLEN] = {};
  inet_ntop(ip.family == 4 ? AF_INET : AF_INET6, ip.bytes, buf, sizeof(buf));
  return buf;
}

absl::StatusOr<PolicyBundle> FromBundle(const manifest::PolicyBundle& bundle) {
  PolicyBundle out;
  out.generation = static_cast<uint64_t>(bundle.generation);
  out.trust_domain = bundle.trust_domain;
  for (const manifest::BundleIdentity& id : bundle.identities) {
    for (const manifest::EgressRule& e : id.egress) {
      EgressRule rule;
      rule.identity = id.ref;
      ASSIGN_OR_RETURN(rule.cidr, ParseCidr(e.cidr));
      if (e.protocol == "TCP")
        rule.proto = Proto::kTcp;
      else if (e.protocol == "UDP")
        rule.proto = Proto::kUdp;
      else if (e.protocol == "ICMP")
        rule.proto = Proto::kIcmp;
      else
        return Bad(StrCat(id.ref, ": unknown egress protocol '", e.protocol, "'"));
      for (int64_t port : e.ports) {
        if (port < 1 || port > 65535) return Bad(StrCat(id.ref, ": port out of range ", port));
        rule.ports.push_back(static_cast<uint16_t>(port));
      }
      out.egress.push_back(std::move(rule));
    }
  }
  for (const manifest::BundleNode& n : bundle.nodes) {
    MeshNode node;
    node.name = n.name;
    ASSIGN_OR_RETURN(node.addr, ParseIp(n.address));
    if (n.mesh_port < 1 || n.mesh_port > 65535) {
      return Bad(StrCat("node ", n.name, ": mesh port out of range ", n.mesh_port));
    }
    node.mesh_port = static_cast<uint16_t>(n.mesh_port);
    out.nodes.push_back(std::move(node));
  }
  const manifest::BundleInfrastructure& infra = bundle.infrastructure;
  for (const auto& [kind, list] :
       {std::pair{"cds", &infra.cds}, std::pair{"apiServer", &infra.api_server},
        std::pair{"dns", &infra.dns}, std::pair{"metadata", &infra.metadata},
        std::pair{"time", &infra.time}}) {
    for (const std::string& text : *list) {
      ASSIGN_OR_RETURN(Endpoint e, ParseEndpoint(text));
      out.infrastructure.push_back({kind, e});
    }
  }
  for (const std::string& text : infra.mesh_cidrs) {
    ASSIGN_OR_RETURN(Cidr c, ParseCidr(text));
    out.mesh_cidrs.push_back(c);
  }
  return out;
}

absl::StatusOr<PolicyBundle> ParsePolicyBundle(std::string_view json_text) {
  nlohmann::json doc = nlohmann::json::parse(json_text.begin(), json_text.end(), nullptr,
                                             /*allow_exceptions=*/false);
  if (doc.is_discarded()) return Bad("not valid JSON");
  const nlohmann::json* bundle = &doc;
  std::string path;
  if (doc.is_object() && doc.contains("bundle")) {
    bundle = &doc["bundle"];
    path = "bundle";
  }
  auto parsed = manifest::ParseBundleJson(*bundle, path);
  if (!parsed.ok()) return Bad(std::string(parsed.status().message()));
  return FromBundle(*parsed);
}

}  // namespace c8s::ebpf
