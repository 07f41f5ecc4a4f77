// The parts of a node policy bundle (../shared/MANIFEST.md) the eBPF data plane enforces, in
// binary form (addresses parsed, ports numeric). lib/manifest is the one parser of bundles;
// this is a conversion of its model, which the agent gets from manifest::VerifyBundle.
//
//   ASSIGN_OR_RETURN(manifest::PolicyBundle verified, manifest::VerifyBundle(wire, ca, td, gen));
//   ASSIGN_OR_RETURN(PolicyBundle b, FromBundle(verified));
//   Endpoint e = *ParseEndpoint("[fd00::1]:443");
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "lib/manifest/bundle.h"

namespace c8s::ebpf {

// An IPv4 or IPv6 address in network byte order (IPv4 in bytes 0..3, rest zero).
struct IpAddr {
  uint8_t family = 4;  // 4 or 6
  uint8_t bytes[16] = {};
  bool operator==(const IpAddr&) const = default;
};

struct Cidr {
  IpAddr addr;  // host bits cleared
  uint8_t prefix = 0;
  bool operator==(const Cidr&) const = default;
};

struct Endpoint {
  IpAddr addr;
  uint16_t port = 0;  // host byte order
};

enum class Proto : uint8_t { kTcp = 6, kUdp = 17, kIcmp = 1 };

struct EgressRule {
  std::string identity;
  Cidr cidr;
  Proto proto = Proto::kTcp;
  std::vector<uint16_t> ports;  // empty: every port
};

struct MeshNode {
  std::string name;
  IpAddr addr;
  uint16_t mesh_port = 0;
};

struct InfraEndpoint {
  std::string kind;  // "cds", "apiServer", "dns", "metadata" or "time"
  Endpoint endpoint;
};

struct PolicyBundle {
  uint64_t generation = 0;
  std::string trust_domain;
  std::vector<EgressRule> egress;
  std::vector<MeshNode> nodes;
  std::vector<InfraEndpoint> infrastructure;
  std::vector<Cidr> mesh_cidrs;  // infrastructure.meshCidrs: pod and service ranges
};

absl::StatusOr<IpAddr> ParseIp(std::string_view text);
absl::StatusOr<Cidr> ParseCidr(std::string_view text);  // "10.0.0.0/8", a bare address = /32
absl::StatusOr<Endpoint> ParseEndpoint(std::string_view text);  // "1.2.3.4:53", "[::1]:53"
std::string FormatIp(const IpAddr& ip);
absl::StatusOr<PolicyBundle> FromBundle(const manifest::PolicyBundle& bundle);
// For tools that load a bundle file as given (`c8s-node-agent bpf update-policy`): the signed
// envelope {"bundle": ..., "signature": ...} or a bare bundle, parsed strictly by lib/manifest.
// The signature is not checked here; callers that have the CA use manifest::VerifyBundle.
absl::StatusOr<PolicyBundle> ParsePolicyBundle(std::string_view json_text);

}  // namespace c8s::ebpf
