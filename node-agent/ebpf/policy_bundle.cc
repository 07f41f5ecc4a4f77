#include "node-agent/ebpf/policy_bundle.h"

#include <arpa/inet.h>

#include <nlohmann/json.hpp>

#include "lib/base/status.h"
#include "lib/base/strings.h"

namespace c8s::ebpf {
namespace {

using nlohmann::json;

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

absl::StatusOr<uint16_t> JsonPort(const json& j) {
  if (!j.is_number_unsigned() || j.get<uint64_t>() == 0 || j.get<uint64_t>() > 65535)
    return Bad(StrCat("port must be 1..65535, got ", j.dump()));
  return static_cast<uint16_t>(j.get<uint64_t>());
}

const json* Member(const json& obj, const char* key) {
  auto it = obj.find(key);
  return it == obj.end() ? nullptr : &*it;
}

absl::StatusOr<std::string> String(const json& obj, const char* key) {
  const json* v = Member(obj, key);
  if (v == nullptr || !v->is_string()) return Bad(StrCat("'", key, "' must be a string"));
  return v->get<std::string>();
}

absl::Status ParseEgress(const json& identity, PolicyBundle& out) {
  ASSIGN_OR_RETURN(std::string ref, String(identity, "ref"));
  const json* egress = Member(identity, "egress");
  if (egress == nullptr) return absl::OkStatus();
  if (!egress->is_array()) return Bad(StrCat(ref, ": 'egress' must be an array"));
  for (const json& e : *egress) {
    if (!e.is_object()) return Bad(StrCat(ref, ": egress entry must be an object"));
    EgressRule rule;
    rule.identity = ref;
    ASSIGN_OR_RETURN(std::string cidr, String(e, "cidr"));
    ASSIGN_OR_RETURN(rule.cidr, ParseCidr(cidr));
    std::string proto = "TCP";
    if (Member(e, "protocol") != nullptr) {
      ASSIGN_OR_RETURN(proto, String(e, "protocol"));
    }
    if (proto == "TCP") rule.proto = Proto::kTcp;
    else if (proto == "UDP") rule.proto = Proto::kUdp;
    else if (proto == "ICMP") rule.proto = Proto::kIcmp;
    else return Bad(StrCat(ref, ": unknown protocol '", proto, "' (TCP, UDP, ICMP)"));
    if (const json* ports = Member(e, "ports"); ports != nullptr) {
      if (!ports->is_array()) return Bad(StrCat(ref, ": 'ports' must be an array"));
      for (const json& p : *ports) {
        ASSIGN_OR_RETURN(uint16_t port, JsonPort(p));
        rule.ports.push_back(port);
      }
    }
    out.egress.push_back(std::move(rule));
  }
  return absl::OkStatus();
}

absl::Status ParseInfrastructure(const json& infra, PolicyBundle& out) {
  if (!infra.is_object()) return Bad("'infrastructure' must be an object");
  for (const auto& [key, value] : infra.items()) {
    if (key == "derived") continue;
    if (!value.is_array()) return Bad(StrCat("infrastructure.", key, " must be an array"));
    for (const json& v : value) {
      if (!v.is_string()) return Bad(StrCat("infrastructure.", key, " entries must be strings"));
      if (key == "meshCidrs") {
        ASSIGN_OR_RETURN(Cidr c, ParseCidr(v.get<std::string>()));
        out.mesh_cidrs.push_back(c);
        continue;
      }
      ASSIGN_OR_RETURN(Endpoint e, ParseEndpoint(v.get<std::string>()));
      out.infrastructure.push_back({key, e});
    }
  }
  return absl::OkStatus();
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

absl::StatusOr<PolicyBundle> ParsePolicyBundle(std::string_view json_text) {
  json doc = json::parse(json_text.begin(), json_text.end(), nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return Bad("not valid JSON");
  if (!doc.is_object()) return Bad("top level must be an object");
  const json* bundle = &doc;
  if (const json* inner = Member(doc, "bundle"); inner != nullptr) bundle = inner;
  if (!bundle->is_object()) return Bad("'bundle' must be an object");
  ASSIGN_OR_RETURN(std::string api, String(*bundle, "apiVersion"));
  if (api != "c8s.dev/policy-bundle/v1")
    return Bad(StrCat("apiVersion must be c8s.dev/policy-bundle/v1, got '", api, "'"));
  PolicyBundle out;
  const json* gen = Member(*bundle, "generation");
  if (gen == nullptr || !gen->is_number_unsigned()) return Bad("'generation' must be unsigned");
  out.generation = gen->get<uint64_t>();
  if (Member(*bundle, "trustDomain") != nullptr) {
    ASSIGN_OR_RETURN(out.trust_domain, String(*bundle, "trustDomain"));
  }
  if (const json* ids = Member(*bundle, "identities"); ids != nullptr) {
    if (!ids->is_array()) return Bad("'identities' must be an array");
    for (const json& id : *ids) {
      if (!id.is_object()) return Bad("identity must be an object");
      RETURN_IF_ERROR(ParseEgress(id, out));
    }
  }
  if (const json* nodes = Member(*bundle, "nodes"); nodes != nullptr) {
    if (!nodes->is_array()) return Bad("'nodes' must be an array");
    for (const json& n : *nodes) {
      if (!n.is_object()) return Bad("node must be an object");
      MeshNode node;
      ASSIGN_OR_RETURN(node.name, String(n, "name"));
      ASSIGN_OR_RETURN(std::string addr, String(n, "address"));
      ASSIGN_OR_RETURN(node.addr, ParseIp(addr));
      const json* mp = Member(n, "meshPort");
      if (mp == nullptr) return Bad(StrCat("node ", node.name, ": 'meshPort' missing"));
      ASSIGN_OR_RETURN(node.mesh_port, JsonPort(*mp));
      out.nodes.push_back(std::move(node));
    }
  }
  if (const json* infra = Member(*bundle, "infrastructure"); infra != nullptr) {
    RETURN_IF_ERROR(ParseInfrastructure(*infra, out));
  }
  return out;
}

}  // namespace c8s::ebpf
