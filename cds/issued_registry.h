// What this CDS has issued, for revocation (ARCHITECTURE.md §3.1: a node or identity removed
// from the manifest loses its certificates): the live node and workload certificates with the
// facts a new manifest is checked against. Bounded; entries leave when their certificate
// expires. In memory per replica (replicas send each other their records); a certificate
// issued before a restart and never re-issued is not revocable by serial, which is why
// IssueWorkload and Secrets.Release also re-check the caller against the active manifest.
//
//   registry.Add({.serial = s, .kind = IssuedKind::kWorkload, .identity = "shop/api", ...});
//   std::vector<RevokedSerial> r = registry.RevocationsFor(new_manifest, now);
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "lib/attest/claims.h"
#include "lib/manifest/model.h"
#include "nlohmann/json.hpp"

namespace c8s::cds {

enum class IssuedKind { kNode, kWorkload };

struct IssuedRecord {
  std::string serial;  // lowercase hex, as Certificate::SerialHex()
  IssuedKind kind = IssuedKind::kNode;
  std::string node_name;
  std::string identity;     // workload certificates
  std::string node_serial;  // workload certificates: the issuing node's certificate
  absl::Time not_after;
  std::optional<attest::Claims> claims;  // node certificates: the verified claims
  std::string address;                   // node certificates: mesh endpoint for bundles
  uint32_t mesh_port = 0;
};

struct RevokedSerial {
  std::string serial;
  absl::Time not_after;  // dropped from the CRL after this
  std::string reason;
  bool operator==(const RevokedSerial&) const = default;
};

nlohmann::json ToJson(const RevokedSerial& r);
absl::StatusOr<RevokedSerial> ParseRevokedSerial(const nlohmann::json& j);
nlohmann::json ToJson(const IssuedRecord& r);
absl::StatusOr<IssuedRecord> ParseIssuedRecord(const nlohmann::json& j);

class IssuedRegistry {
 public:
  explicit IssuedRegistry(size_t capacity = 1 << 20) : capacity_(capacity) {}
  // Drops expired entries first when full; refuses (returns false) only when every entry is
  // still live, so that a flood can never make the registry forget a live certificate.
  bool Add(IssuedRecord record);
  // Certificates `next` no longer admits: workload certificates of identities it does not
  // define, node certificates whose claims fail its node policy (or when it has none), and
  // the workload certificates those nodes obtained.
  std::vector<RevokedSerial> RevocationsFor(const manifest::Manifest& next, absl::Time now) const;
  size_t size() const;

 private:
  void PruneLocked(absl::Time now);
  size_t capacity_;
  mutable std::mutex mu_;
  std::map<std::string, IssuedRecord> records_;  // by serial
};

}  // namespace c8s::cds
