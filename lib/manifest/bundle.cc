#include "lib/manifest/bundle.h"

#include <algorithm>

#include "lib/base/status.h"
#include "lib/base/strings.h"
#include "lib/crypto/jcs.h"
#include "lib/manifest/formats.h"
#include "lib/manifest/parse_internal.h"
#include "lib/manifest/serialize.h"

namespace c8s::manifest {

using namespace internal;  // NOLINT: the parser helpers are this file's vocabulary.

namespace {

Json Strings(const std::vector<std::string>& v) { return Json(v); }

}  // namespace

absl::Status ParseBundleIdentityJson(const Json& j, const std::string& path, BundleIdentity* out) {
  ASSIGN_OR_RETURN(ObjectReader r, ObjectReader::Open(j, path,
                                                      {"ref", "selector", "containers", "runtime",
                                                       "ports", "allowFrom", "egress"}));
  RETURN_IF_ERROR(r.String("ref", &out->ref));
  RETURN_IF_ERROR(CheckRef(out->ref, r.PathOf("ref")));
  ASSIGN_OR_RETURN(const Json* selector, r.Required("selector"));
  RETURN_IF_ERROR(ParseSelector(*selector, r.PathOf("selector"), &out->selector));
  ASSIGN_OR_RETURN(const Json* containers, r.Required("containers"));
  RETURN_IF_ERROR(ParseContainers(*containers, r.PathOf("containers"), &out->containers));
  ASSIGN_OR_RETURN(const Json* runtime, r.Required("runtime"));
  RETURN_IF_ERROR(ParseRuntime(*runtime, r.PathOf("runtime"), &out->runtime));
  ASSIGN_OR_RETURN(const Json* ports, r.Required("ports"));
  RETURN_IF_ERROR(ParsePorts(*ports, r.PathOf("ports"), &out->ports));
  ASSIGN_OR_RETURN(const Json* allow, r.Required("allowFrom"));
  RETURN_IF_ERROR(ParseRefSet(*allow, r.PathOf("allowFrom"), &out->allow_from));
  ASSIGN_OR_RETURN(const Json* egress, r.Required("egress"));
  return ParseEgress(*egress, r.PathOf("egress"), &out->egress);
}

namespace {

absl::Status CheckDerived(const ObjectReader& r) {
  bool derived = false;
  RETURN_IF_ERROR(r.Bool("derived", &derived));
  if (!derived) return PathError(r.PathOf("derived"), "must be true");
  return absl::OkStatus();
}

absl::Status CheckAddress(const std::string& address, const std::string& path) {
  std::string cidr = StrCat(address, address.find(':') == std::string::npos ? "/32" : "/128");
  if (!CheckCidr(cidr, path).ok()) {
    return PathError(path, StrCat("\"", address, "\" is not a canonical IP address"));
  }
  return absl::OkStatus();
}

// "ip:port" or "[ipv6]:port".
absl::Status CheckEndpoint(const std::string& ep, const std::string& path) {
  size_t colon = ep.rfind(':');
  if (colon == std::string::npos) return PathError(path, StrCat("\"", ep, "\" is not ip:port"));
  std::string host = ep.substr(0, colon), port = ep.substr(colon + 1);
  bool bracketed = host.size() > 2 && host.front() == '[' && host.back() == ']';
  if (bracketed) host = host.substr(1, host.size() - 2);
  if (bracketed != (host.find(':') != std::string::npos)) {
    return PathError(path, StrCat("\"", ep, "\": IPv6 addresses go in brackets, IPv4 not"));
  }
  RETURN_IF_ERROR(CheckAddress(host, path));
  bool digits = !port.empty() && port.size() <= 5 && port.front() != '0' &&
                std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (!digits || std::stoi(port) > 65535) return PathError(path, StrCat("\"", ep, "\": bad port"));
  return absl::OkStatus();
}

absl::Status EndpointSet(const ObjectReader& r, std::string_view key,
                         std::vector<std::string>* out) {
  RETURN_IF_ERROR(r.StringList(key, out));
  for (size_t i = 0; i < out->size(); ++i) {
    RETURN_IF_ERROR(CheckEndpoint((*out)[i], Element(r.PathOf(key), i)));
  }
  return CheckStringSet(*out, r.PathOf(key));
}

template <typename T>
void SortUnique(std::vector<T>& v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
}

}  // namespace

absl::StatusOr<PolicyBundle> DeriveBundle(const Manifest& manifest, int64_t generation,
                                          std::vector<BundleNode> derived_nodes,
                                          BundleInfrastructure derived_infrastructure,
                                          std::string_view issued_at) {
  PolicyBundle b;
  b.generation = generation;
  ASSIGN_OR_RETURN(b.manifest_hash, ManifestHash(manifest));
  b.issued_at = std::string(issued_at);
  b.trust_domain = manifest.trust_domain;
  b.approval = manifest.approval;
  for (const Identity& id : manifest.identities) {
    b.identities.push_back(BundleIdentity{id.ref, id.selector, id.containers, id.runtime, id.ports,
                                          id.allow_from, id.egress});
  }
  std::sort(derived_nodes.begin(), derived_nodes.end(),
            [](const BundleNode& a, const BundleNode& c) { return a.name < c.name; });
  b.nodes = std::move(derived_nodes);
  b.infrastructure = std::move(derived_infrastructure);
  SortUnique(b.infrastructure.cds);
  SortUnique(b.infrastructure.api_server);
  SortUnique(b.infrastructure.dns);
  SortUnique(b.infrastructure.metadata);
  SortUnique(b.infrastructure.time);
  SortUnique(b.infrastructure.mesh_cidrs);
  // What the CDS signs must be what every agent accepts: check by parsing it back.
  RETURN_IF_ERROR(ParseBundleJson(ToJson(b)).status());
  return b;
}

Json ToJson(const BundleIdentity& id) {
  return {{"ref", id.ref},
          {"selector", ToJson(id.selector)},
          {"containers", ToJson(id.containers)},
          {"runtime", ToJson(id.runtime)},
          {"ports", Json(id.ports)},
          {"allowFrom", Strings(id.allow_from)},
          {"egress", ToJson(id.egress)}};
}

Json ToJson(const PolicyBundle& b) {
  Json identities = Json::array();
  for (const BundleIdentity& id : b.identities) identities.push_back(ToJson(id));
  Json nodes = Json::array();
  for (const BundleNode& n : b.nodes) {
    nodes.push_back(
        {{"name", n.name}, {"address", n.address}, {"meshPort", n.mesh_port}, {"derived", true}});
  }
  Json infrastructure = {{"cds", Strings(b.infrastructure.cds)},
                         {"apiServer", Strings(b.infrastructure.api_server)},
                         {"dns", Strings(b.infrastructure.dns)},
                         {"derived", true}};
  if (!b.infrastructure.metadata.empty()) {
    infrastructure["metadata"] = Strings(b.infrastructure.metadata);
  }
  if (!b.infrastructure.time.empty()) infrastructure["time"] = Strings(b.infrastructure.time);
  if (!b.infrastructure.mesh_cidrs.empty()) {
    infrastructure["meshCidrs"] = Strings(b.infrastructure.mesh_cidrs);
  }
  return {
      {"apiVersion", b.api_version},     {"generation", b.generation},
      {"manifestHash", b.manifest_hash}, {"issuedAt", b.issued_at},
      {"trustDomain", b.trust_domain},   {"approval", std::string(ApprovalModeName(b.approval))},
      {"identities", identities},        {"nodes", nodes},
      {"infrastructure", infrastructure}};
}

absl::StatusOr<PolicyBundle> ParseBundleJson(const Json& doc, std::string_view path) {
  ASSIGN_OR_RETURN(ObjectReader r, ObjectReader::Open(doc, std::string(path),
                                                      {"apiVersion", "generation", "manifestHash",
                                                       "issuedAt", "trustDomain", "approval",
                                                       "identities", "nodes", "infrastructure"}));
  PolicyBundle b;
  RETURN_IF_ERROR(r.String("apiVersion", &b.api_version));
  if (b.api_version != kBundleApiVersion) {
    return PathError(r.PathOf("apiVersion"),
                     StrCat("\"", b.api_version, "\" is not ", kBundleApiVersion));
  }
  RETURN_IF_ERROR(r.Int("generation", 1, int64_t{1} << 53, &b.generation));
  RETURN_IF_ERROR(r.String("manifestHash", &b.manifest_hash));
  RETURN_IF_ERROR(CheckSha256Hash(b.manifest_hash, r.PathOf("manifestHash")));
  RETURN_IF_ERROR(r.String("issuedAt", &b.issued_at));
  RETURN_IF_ERROR(CheckRfc3339Utc(b.issued_at, r.PathOf("issuedAt")));
  RETURN_IF_ERROR(r.String("trustDomain", &b.trust_domain));
  RETURN_IF_ERROR(CheckDnsName(b.trust_domain, r.PathOf("trustDomain")));
  std::string approval;
  RETURN_IF_ERROR(r.String("approval", &approval));
  if (approval != "Owner" && approval != "Automatic") {
    return PathError(r.PathOf("approval"), StrCat("\"", approval, "\" is not Owner or Automatic"));
  }
  b.approval = approval == "Owner" ? ApprovalMode::kOwner : ApprovalMode::kAutomatic;
  ASSIGN_OR_RETURN(const Json* ids_json, r.Required("identities"));
  ASSIGN_OR_RETURN(const Json::array_t* ids, ReadArray(*ids_json, r.PathOf("identities")));
  b.identities.assign(ids->size(), BundleIdentity{});
  for (size_t i = 0; i < ids->size(); ++i) {
    RETURN_IF_ERROR(
        ParseBundleIdentityJson((*ids)[i], Element(r.PathOf("identities"), i), &b.identities[i]));
  }
  RETURN_IF_ERROR(CheckSet(
      b.identities, r.PathOf("identities"),
      [](const BundleIdentity& a, const BundleIdentity& c) { return a.ref < c.ref; },
      +[](const BundleIdentity& a) { return StrCat("\"", a.ref, "\""); }));
  ASSIGN_OR_RETURN(const Json* nodes_json, r.Required("nodes"));
  ASSIGN_OR_RETURN(const Json::array_t* nodes, ReadArray(*nodes_json, r.PathOf("nodes")));
  b.nodes.assign(nodes->size(), BundleNode{});
  for (size_t i = 0; i < nodes->size(); ++i) {
    ASSIGN_OR_RETURN(ObjectReader n,
                     ObjectReader::Open((*nodes)[i], Element(r.PathOf("nodes"), i),
                                        {"name", "address", "meshPort", "derived"}));
    RETURN_IF_ERROR(n.String("name", &b.nodes[i].name));
    RETURN_IF_ERROR(CheckObjectName(b.nodes[i].name, n.PathOf("name")));
    RETURN_IF_ERROR(n.String("address", &b.nodes[i].address));
    RETURN_IF_ERROR(CheckAddress(b.nodes[i].address, n.PathOf("address")));
    RETURN_IF_ERROR(n.Int("meshPort", 1, 65535, &b.nodes[i].mesh_port));
    RETURN_IF_ERROR(CheckDerived(n));
  }
  RETURN_IF_ERROR(CheckSet(
      b.nodes, r.PathOf("nodes"),
      [](const BundleNode& a, const BundleNode& c) { return a.name < c.name; },
      +[](const BundleNode& a) { return StrCat("node \"", a.name, "\""); }));
  ASSIGN_OR_RETURN(const Json* infra_json, r.Required("infrastructure"));
  ASSIGN_OR_RETURN(ObjectReader infra, ObjectReader::Open(*infra_json, r.PathOf("infrastructure"),
                                                          {"cds", "apiServer", "dns", "metadata",
                                                           "time", "meshCidrs", "derived"}));
  RETURN_IF_ERROR(EndpointSet(infra, "cds", &b.infrastructure.cds));
  RETURN_IF_ERROR(EndpointSet(infra, "apiServer", &b.infrastructure.api_server));
  RETURN_IF_ERROR(EndpointSet(infra, "dns", &b.infrastructure.dns));
  for (auto [key, list] : {std::pair{"metadata", &b.infrastructure.metadata},
                           std::pair{"time", &b.infrastructure.time}}) {
    if (infra.Has(key)) RETURN_IF_ERROR(EndpointSet(infra, key, list));
  }
  if (infra.Has("meshCidrs")) {
    RETURN_IF_ERROR(infra.StringList("meshCidrs", &b.infrastructure.mesh_cidrs));
    for (size_t i = 0; i < b.infrastructure.mesh_cidrs.size(); ++i) {
      RETURN_IF_ERROR(
          CheckCidr(b.infrastructure.mesh_cidrs[i], Element(infra.PathOf("meshCidrs"), i)));
    }
    RETURN_IF_ERROR(CheckStringSet(b.infrastructure.mesh_cidrs, infra.PathOf("meshCidrs")));
  }
  RETURN_IF_ERROR(CheckDerived(infra));
  return b;
}

absl::StatusOr<std::string> CanonicalBytes(const PolicyBundle& bundle) {
  return crypto::CanonicalJson(ToJson(bundle));
}

}  // namespace c8s::manifest
