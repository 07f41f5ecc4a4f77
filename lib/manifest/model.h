// The c8s manifest (MANIFEST.md, apiVersion c8s.dev/manifest/v1) as plain C++ structs.
//
// Every component reads the manifest through these types; nothing else parses it:
//   ASSIGN_OR_RETURN(Manifest m, ParseManifest(text));            // parse.h: strict + validated
//   std::string hash = ManifestHash(m);                           // serialize.h: "sha256:<hex>"
//   for (const Identity& id : m.identities) Enforce(id.runtime);
//
// One manifest has exactly one canonical form. The parser therefore REFUSES (never fixes up)
// lists that MANIFEST.md calls sets when they are unsorted or hold duplicates, and requires
// every field except the ones documented optional (container `args`/`env`, policy `snp`/`tdx`,
// secret `notAfter`). The compiler (operator) builds a Manifest, calls Normalize() to sort
// the sets, then ValidateManifest(); a hand-written manifest must be written sorted.
// Set order is byte order of the element (for objects: the key noted at each field).
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace c8s::manifest {

inline constexpr std::string_view kApiVersion = "c8s.dev/manifest/v1";

enum class ApprovalMode { kOwner, kAutomatic };
std::string_view ApprovalModeName(ApprovalMode mode);  // "Owner" / "Automatic"

// An owner signing key (P-256 or Ed25519) or a recovery key (X25519), PEM SPKI exactly as
// crypto::PublicKey::ToPem() writes it. Lists of them are sets ordered by name.
struct NamedKey {
  std::string name;
  std::string public_key_pem;
  bool operator==(const NamedKey&) const = default;
};

struct SnpTcb {
  int64_t bootloader = 0, tee = 0, snp = 0, microcode = 0, fmc = 0;  // each 0..255
  bool operator==(const SnpTcb&) const = default;
};

struct SnpAbi {
  int64_t major = 0, minor = 0;  // 0..255
  bool operator==(const SnpAbi&) const = default;
};

struct SnpPolicy {
  std::vector<std::string> measurements;  // set, 96 hex (48 bytes)
  SnpTcb min_tcb;
  std::vector<std::string> products;  // set of "Genoa", "Milan", "Turin"
  bool allow_debug = false;
  bool allow_migration_agent = false;
  std::vector<std::string> host_data;  // set, 64 hex; empty = not pinned
  std::vector<std::string> chip_ids;   // set, 128 hex; empty = not pinned
  SnpAbi min_abi;
  bool operator==(const SnpPolicy&) const = default;
};

struct TdxPolicy {
  std::vector<std::string> mrtd;                  // set, 96 hex
  std::vector<std::array<std::string, 4>> rtmrs;  // set of 4-tuples of 96 hex
  std::vector<std::string> mr_config_id;          // set, 96 hex
  std::string min_tee_tcb_svn;                    // 32 hex
  bool allow_debug = false;
  std::vector<std::string> accepted_tcb_status;  // set of Intel TCB status names
  bool operator==(const TdxPolicy&) const = default;
};

// A policy with neither section (and !allow_simulated) accepts nothing.
struct AttestationPolicy {
  bool allow_simulated = false;
  std::optional<SnpPolicy> snp;
  std::optional<TdxPolicy> tdx;
  bool operator==(const AttestationPolicy&) const = default;
};

struct Roles {
  std::string nodes, cds, ingress;  // names of attestationPolicies
  bool operator==(const Roles&) const = default;
};

struct Selector {
  std::map<std::string, std::string> labels;  // non-empty: an empty selector matches every pod
  bool operator==(const Selector&) const = default;
};

// Set ordered by (image, args, env); absent args/env means "not pinned".
struct Container {
  std::string image;  // registry/repo@sha256:<64 hex>
  std::optional<std::vector<std::string>> args;
  std::optional<std::map<std::string, std::string>> env;
  bool operator==(const Container&) const = default;
  bool operator<(const Container& o) const;
};

// Decision (not spelled out by MANIFEST.md): a host path grant carries its access mode.
struct HostPath {
  std::string path;  // absolute, normalized; set ordered by path
  bool read_only = true;
  bool operator==(const HostPath&) const = default;
};

struct RuntimePolicy {
  bool privileged = false;
  bool host_network = false;
  bool host_pid = false;
  bool host_ipc = false;
  std::vector<HostPath> host_paths;
  std::vector<std::string> devices;           // set of /dev paths
  std::vector<std::string> add_capabilities;  // set, Linux names without CAP_ ("NET_ADMIN")
  bool run_as_non_root = true;
  bool read_only_root_filesystem = false;
  bool operator==(const RuntimePolicy&) const = default;
};

// Set ordered by (cidr, protocol, ports).
struct EgressRule {
  std::string cidr;            // canonical IPv4/IPv6 prefix, host bits zero
  std::vector<int64_t> ports;  // set, 1..65535
  std::string protocol;        // "TCP", "UDP" or "ICMP" (ICMP: no ports)
  bool operator==(const EgressRule&) const = default;
  bool operator<(const EgressRule& o) const;
};

struct Identity {
  std::string ref;  // namespace/name; identities are a set ordered by ref
  Selector selector;
  std::vector<Container> containers;  // non-empty set
  RuntimePolicy runtime;
  std::vector<std::string> dns_names;   // set
  std::vector<int64_t> ports;           // set, 1..65535
  std::vector<std::string> allow_from;  // set of identity refs (or built-in c8s-system refs)
  std::vector<EgressRule> egress;
  bool operator==(const Identity&) const = default;
};

struct SealedSource {
  std::string suite;       // "X25519-HKDF-SHA256/AES-128-GCM"
  std::string enc;         // base64
  std::string ciphertext;  // base64
  bool operator==(const SealedSource&) const = default;
};

struct VaultSource {
  std::string path, key;
  bool operator==(const VaultSource&) const = default;
};

struct Secret {
  std::string ref;  // set ordered by ref
  int64_t version = 1;
  std::optional<SealedSource> sealed;  // exactly one of sealed / vault
  std::optional<VaultSource> vault;
  std::vector<std::string> release_to;   // non-empty set of identity refs
  std::string policy;                    // attestation policy name
  std::optional<std::string> not_after;  // RFC 3339 UTC, YYYY-MM-DDTHH:MM:SSZ
  bool operator==(const Secret&) const = default;
};

struct IngressRoute {
  std::string path_prefix;  // set ordered by pathPrefix
  std::string identity;
  int64_t port = 0;
  bool operator==(const IngressRoute&) const = default;
};

struct Ingress {
  std::string ref;                 // set ordered by ref
  std::vector<std::string> hosts;  // set of DNS names
  std::vector<IngressRoute> routes;
  std::string tls_mode;  // "CDS"
  bool encrypted = false;
  bool operator==(const Ingress&) const = default;
};

struct Manifest {
  std::string api_version = std::string(kApiVersion);
  std::string trust_domain;
  ApprovalMode approval = ApprovalMode::kOwner;
  std::vector<NamedKey> owners;
  std::vector<NamedKey> recovery_keys;
  std::map<std::string, AttestationPolicy> attestation_policies;
  Roles roles;
  std::vector<Identity> identities;
  std::vector<Secret> secrets;
  std::vector<Ingress> ingresses;
  bool operator==(const Manifest&) const = default;

  const Identity* FindIdentity(std::string_view ref) const;
  const NamedKey* FindOwner(std::string_view name) const;
};

// Refs in the c8s-system namespace that name c8s's own components (attested through
// `roles`, not listed as identities). allowFrom may name them.
bool IsBuiltinIdentity(std::string_view ref);

// Sorts every set of the manifest into canonical order and drops exact duplicates. For the
// compiler; the parser never normalizes (see the banner).
void Normalize(Manifest* manifest);

}  // namespace c8s::manifest
