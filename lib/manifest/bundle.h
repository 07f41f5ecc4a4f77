// The node policy bundle (MANIFEST.md "Node policy bundle"): what a node agent enforces
// without asking anyone, derived by the CDS from the active manifest and signed with its CA.
//
//   ASSIGN_OR_RETURN(PolicyBundle b, DeriveBundle(active, 7, nodes, infra,
//   "2026-11-22T10:00:00Z")); ASSIGN_OR_RETURN(std::string wire, SignBundle(b, ca_key)); // CDS
//   ASSIGN_OR_RETURN(PolicyBundle got, VerifyBundle(wire, ca_pub, "prod.example.com", 6)); // agent
//
// JSON decisions beyond MANIFEST.md: `approval` sits at the top level ("Owner"/"Automatic");
// every node object carries "derived": true and so does the `infrastructure` object (the
// `nodes` array cannot carry a member); nodes are a set ordered by name, infrastructure lists
// are sets of "ip:port" / "[ipv6]:port". Identities carry ref, selector, containers, runtime,
// ports, allowFrom, egress (no dnsNames: certificates come from the CDS, not the bundle).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "lib/base/bytes.h"
#include "lib/crypto/keys.h"
#include "lib/manifest/model.h"

namespace c8s::manifest {

inline constexpr std::string_view kBundleApiVersion = "c8s.dev/policy-bundle/v1";
inline constexpr std::string_view kBundleSignatureContext = "c8s/bundle/v1";

struct BundleIdentity {
  std::string ref;
  Selector selector;
  std::vector<Container> containers;
  RuntimePolicy runtime;
  std::vector<int64_t> ports;
  std::vector<std::string> allow_from;
  std::vector<EgressRule> egress;
  bool operator==(const BundleIdentity&) const = default;
};

// From attested joins; grants no trust by itself ("derived": true).
struct BundleNode {
  std::string name;
  std::string address;  // IPv4/IPv6 literal
  int64_t mesh_port = 0;
  bool operator==(const BundleNode&) const = default;
};

// From the CDS's own configuration ("derived": true): the node infrastructure whose traffic
// the data plane lets through besides the mesh and egress rules. `metadata` (the cloud
// metadata service) and `time` (NTP) are configurable lists like the others; `meshCidrs` are
// the pod and service ranges whose connections go through the mesh. The three are optional
// in JSON and written only when non-empty.
struct BundleInfrastructure {
  std::vector<std::string> cds, api_server, dns, metadata, time;  // "ip:port" / "[v6]:port"
  std::vector<std::string> mesh_cidrs;                            // canonical CIDRs
  bool operator==(const BundleInfrastructure&) const = default;
};

struct PolicyBundle {
  std::string api_version = std::string(kBundleApiVersion);
  int64_t generation = 0;
  std::string manifest_hash;
  std::string issued_at;  // RFC 3339 UTC
  std::string trust_domain;
  ApprovalMode approval = ApprovalMode::kOwner;
  std::vector<BundleIdentity> identities;
  std::vector<BundleNode> nodes;
  BundleInfrastructure infrastructure;
  bool operator==(const PolicyBundle&) const = default;
};

// Pure: the same inputs give the same bundle (nodes and endpoints are sorted and
// de-duplicated here). Fails if an input would not parse back (bad address, time, ...).
absl::StatusOr<PolicyBundle> DeriveBundle(const Manifest& manifest, int64_t generation,
                                          std::vector<BundleNode> derived_nodes,
                                          BundleInfrastructure derived_infrastructure,
                                          std::string_view issued_at);

nlohmann::json ToJson(const PolicyBundle& bundle);
// One identity of a bundle, as it appears in "identities" (also the shape of the node agent's
// bootstrap allow-list entries, node-agent/admission/bootstrap.h).
nlohmann::json ToJson(const BundleIdentity& identity);
absl::Status ParseBundleIdentityJson(const nlohmann::json& j, const std::string& path,
                                     BundleIdentity* out);
absl::StatusOr<PolicyBundle> ParseBundleJson(const nlohmann::json& doc, std::string_view path = "");
absl::StatusOr<std::string> CanonicalBytes(const PolicyBundle& bundle);

// {"bundle": <bundle>, "signature": base64 ECDSA P-256 over kBundleSignatureContext ||
// canonical bundle}, as canonical JSON text.
absl::StatusOr<std::string> SignBundle(const PolicyBundle& bundle,
                                       const crypto::PrivateKey& ca_key);
// Checks the signature over the received bytes first, then parses, then refuses another
// trust domain and a generation below `enforced_generation` (rollback).
absl::StatusOr<PolicyBundle> VerifyBundle(std::string_view signed_json,
                                          const crypto::PublicKey& ca_public_key,
                                          std::string_view trust_domain,
                                          int64_t enforced_generation);

}  // namespace c8s::manifest
