// Owner approval statements (MANIFEST.md "Approval statement"): build, sign, verify, and the
// CDS's acceptance check that makes an approval single-use and cluster-bound.
//
//   ApprovalStatement st{ClusterId(ca_pub), active.generation + 1, active.entry_hash, hash};
//   ASSIGN_OR_RETURN(Bytes sig, SignApproval(st, owner_key));
//   RETURN_IF_ERROR(CheckApproval(st, sig, "alice", active, proposed));
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "lib/base/bytes.h"
#include "lib/crypto/keys.h"
#include "lib/manifest/model.h"

namespace c8s::manifest {

inline constexpr std::string_view kApprovalType = "c8s/approval/v1";
// previousEntryHash of generation 1 (the claim).
inline constexpr std::string_view kZeroEntryHash =
    "sha256:0000000000000000000000000000000000000000000000000000000000000000";

struct ApprovalStatement {
  std::string cluster;  // "sha256:" + hex SHA-256(CA SPKI DER)
  int64_t generation = 0;
  std::string previous_entry_hash;
  std::string manifest_hash;
  bool operator==(const ApprovalStatement&) const = default;
};

// "sha256:" + hex SHA-256 of the CA's SubjectPublicKeyInfo DER: the cluster's identity.
std::string ClusterId(const crypto::PublicKey& ca_public_key);

nlohmann::json ToJson(const ApprovalStatement& statement);
// Strict: exactly the five fields, `type` = c8s/approval/v1, generation >= 1, hash formats.
absl::StatusOr<ApprovalStatement> ParseApprovalStatementJson(const nlohmann::json& doc,
                                                             std::string_view path = "");
absl::StatusOr<ApprovalStatement> ParseApprovalStatement(std::string_view text);
absl::StatusOr<std::string> CanonicalBytes(const ApprovalStatement& statement);

// Signs the canonical bytes (ECDSA P-256 DER or Ed25519); other key types are refused.
absl::StatusOr<Bytes> SignApproval(const ApprovalStatement& statement,
                                   const crypto::PrivateKey& owner_key);
// The signature verifies under the key of `owner_name` in `signers.owners`.
absl::Status VerifyApprovalSignature(const ApprovalStatement& statement, ByteSpan signature,
                                     std::string_view owner_name, const Manifest& signers);

// What the CDS knows about its active state. generation 0 = unclaimed (next is the claim).
struct ActiveState {
  std::string cluster;
  int64_t generation = 0;
  std::string entry_hash = std::string(kZeroEntryHash);
  const Manifest* manifest = nullptr;  // the active manifest; null when unclaimed
};

// Accepts an approval only for this cluster, the next generation, the active entry as
// predecessor and exactly `proposed`, signed by an owner of the active manifest (for the
// claim: an owner listed in `proposed`). Each refusal names the mismatching values.
absl::Status CheckApproval(const ApprovalStatement& statement, ByteSpan signature,
                           std::string_view owner_name, const ActiveState& active,
                           const Manifest& proposed);

}  // namespace c8s::manifest
