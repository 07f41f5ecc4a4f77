// The append-only, hash-chained manifest history (MANIFEST.md "History entry") and the checks
// that detect a rewrite, fork or rollback of it (ARCHITECTURE.md §5, invariant 3).
//
//   ASSIGN_OR_RETURN(SignedHistoryEntry s, SignHistoryEntry(entry, ca_key));   // CDS
//   ASSIGN_OR_RETURN(HistoryHead head, VerifyHistory(entries, ca_pub, lookup)); // anyone
//   RETURN_IF_ERROR(CheckHead(last_seen_head, head));                          // no rollback
//
// Decisions beyond MANIFEST.md: the CA signs "c8s/history/v1" || canonical entry bytes (ECDSA
// P-256, DER, base64 in JSON) — the same domain separation as bundles; a signed entry is
// {"entry": {...}, "signature": "<base64>"}; a history document is {"entries": [...]}, oldest
// first. `mode` is the approval mode under which the entry was activated, i.e. the `approval`
// of the previously active manifest (Owner for generation 1); Owner entries carry >= 1 approval.
#pragma once

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "lib/base/bytes.h"
#include "lib/crypto/keys.h"
#include "lib/manifest/approval.h"
#include "lib/manifest/model.h"

namespace c8s::manifest {

inline constexpr std::string_view kHistorySignatureContext = "c8s/history/v1";

struct Approval {
  std::string owner;
  ApprovalStatement statement;
  Bytes signature;  // over the canonical statement; base64 in JSON
  bool operator==(const Approval&) const = default;
};

struct HistoryEntry {
  int64_t generation = 0;
  std::string manifest_hash;
  std::string previous_entry_hash;
  std::vector<Approval> approvals;
  std::string activated_at;  // RFC 3339 UTC
  ApprovalMode mode = ApprovalMode::kOwner;
  bool operator==(const HistoryEntry&) const = default;
};

struct SignedHistoryEntry {
  HistoryEntry entry;
  Bytes signature;  // CA ECDSA P-256 over kHistorySignatureContext || canonical entry
  bool operator==(const SignedHistoryEntry&) const = default;
};

struct HistoryHead {
  int64_t generation = 0;  // 0 = nothing seen yet
  std::string entry_hash = std::string(kZeroEntryHash);
  bool operator==(const HistoryHead&) const = default;
};

nlohmann::json ToJson(const HistoryEntry& entry);
nlohmann::json ToJson(const SignedHistoryEntry& signed_entry);
nlohmann::json HistoryToJson(const std::vector<SignedHistoryEntry>& entries);
absl::StatusOr<HistoryEntry> ParseHistoryEntryJson(const nlohmann::json& doc,
                                                   std::string_view path = "");
absl::StatusOr<SignedHistoryEntry> ParseSignedHistoryEntryJson(const nlohmann::json& doc,
                                                               std::string_view path = "");
absl::StatusOr<std::vector<SignedHistoryEntry>> ParseHistory(std::string_view text);

absl::StatusOr<std::string> CanonicalBytes(const HistoryEntry& entry);
// "sha256:" + hex SHA-256 of the canonical entry: the next entry's previousEntryHash.
absl::StatusOr<std::string> EntryHash(const HistoryEntry& entry);

absl::StatusOr<SignedHistoryEntry> SignHistoryEntry(const HistoryEntry& entry,
                                                    const crypto::PrivateKey& ca_key);
absl::Status VerifyHistoryEntrySignature(const SignedHistoryEntry& signed_entry,
                                         const crypto::PublicKey& ca_public_key);

// Chain and signatures only: generations 1, 2, ... consecutive; each previousEntryHash is the
// hash of the entry before (all zeros for generation 1); each CA signature; each approval
// statement names this cluster (ClusterId(ca)), the entry's generation, predecessor and
// manifest; Owner entries have approvals. Returns the head.
absl::StatusOr<HistoryHead> VerifyHistory(const std::vector<SignedHistoryEntry>& entries,
                                          const crypto::PublicKey& ca_public_key);

// The manifest with this hash, or null if unknown.
using ManifestLookup = std::function<const Manifest*(std::string_view manifest_hash)>;
// Also: every approval signature verifies under an owner of the previously active manifest
// (generation 1: of its own manifest), and `mode` matches that manifest's approval mode.
absl::StatusOr<HistoryHead> VerifyHistory(const std::vector<SignedHistoryEntry>& entries,
                                          const crypto::PublicKey& ca_public_key,
                                          const ManifestLookup& lookup);

// Rollback and fork detection against the newest head a party has seen: a lower generation
// is a rollback, the same generation with another hash a fork.
absl::Status CheckHead(const HistoryHead& seen, const HistoryHead& offered);
// A verified history must contain the seen head unchanged (a rewrite of old entries shows).
absl::Status CheckExtends(const HistoryHead& seen, const std::vector<SignedHistoryEntry>& entries);

}  // namespace c8s::manifest
