// The CDS's manifest state machine (ARCHITECTURE.md §3.1 step 5, §3.2): unclaimed -> Claim
// (first manifest, approved by one of its own owners) -> Propose / Approve, with an
// append-only, hash-chained history whose entries the CA signs. Not thread-safe: Cds
// serializes calls and works on a copy, persisting it before it becomes visible, so that a
// refused or unpersisted step changes nothing.
//
//   ManifestLog log(cluster_id);
//   ASSIGN_OR_RETURN(Activation a, log.Claim(manifest_json, statement_json, "alice", sig, ca_key,
//   now)); ASSIGN_OR_RETURN(Proposal p, log.Propose(next_json, ca_key, now));   // pending (or
//   Automatic) ASSIGN_OR_RETURN(Activation b, log.Approve(statement_json, "alice", sig, ca_key,
//   now));
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "lib/crypto/keys.h"
#include "lib/manifest/history.h"
#include "lib/manifest/model.h"

namespace c8s::cds {

struct Activation {
  manifest::SignedHistoryEntry signed_entry;
  std::string entry_hash;
};

struct Proposal {
  std::string manifest_hash;
  bool activated = false;  // Automatic mode activated it at once
  int64_t generation = 0;  // the active generation after the call
  manifest::ApprovalMode mode = manifest::ApprovalMode::kOwner;
};

struct PendingView {
  std::string canonical_json;
  std::string manifest_hash;
  int64_t next_generation = 0;
  std::string previous_entry_hash;
  std::string cluster;
};

struct StoredManifest {
  std::string canonical_json;
  std::shared_ptr<const manifest::Manifest> manifest;
};

class ManifestLog {
 public:
  explicit ManifestLog(std::string cluster, size_t max_pending = 16)
      : cluster_(std::move(cluster)), max_pending_(max_pending) {}

  bool claimed() const { return !history_.empty(); }
  int64_t generation() const { return static_cast<int64_t>(history_.size()); }
  const std::string& head_hash() const { return head_hash_; }
  const std::string& cluster() const { return cluster_; }
  // Null while unclaimed.
  const StoredManifest* active() const;
  // The manifest activated at `generation` (1-based), or null.
  const StoredManifest* AtGeneration(int64_t generation) const;
  const StoredManifest* Find(std::string_view manifest_hash) const;
  std::string active_hash() const;
  manifest::ApprovalMode active_mode() const;
  const std::vector<manifest::SignedHistoryEntry>& history() const { return history_; }
  size_t pending_count() const { return pending_.size(); }

  absl::StatusOr<Activation> Claim(std::string_view manifest_json, std::string_view statement_json,
                                   std::string_view owner, ByteSpan signature,
                                   const crypto::PrivateKey& ca_key, absl::Time now);
  absl::StatusOr<Proposal> Propose(std::string_view manifest_json, const crypto::PrivateKey& ca_key,
                                   absl::Time now);
  // Empty hash: the newest pending proposal.
  absl::StatusOr<PendingView> GetPending(std::string_view manifest_hash) const;
  absl::StatusOr<Activation> Approve(std::string_view statement_json, std::string_view owner,
                                     ByteSpan signature, const crypto::PrivateKey& ca_key,
                                     absl::Time now);

  nlohmann::json ToJson() const;
  // Re-verifies the whole history (chain, CA signatures, owner approvals) while loading.
  static absl::StatusOr<ManifestLog> FromJson(const nlohmann::json& doc, std::string cluster,
                                              const crypto::PublicKey& ca_public_key,
                                              size_t max_pending = 16);

 private:
  absl::StatusOr<Activation> Append(const std::string& hash, std::vector<manifest::Approval> ap,
                                    manifest::ApprovalMode mode, const crypto::PrivateKey& ca_key,
                                    absl::Time now);
  static absl::StatusOr<StoredManifest> ParseStored(std::string_view json);

  std::string cluster_;
  size_t max_pending_;
  std::vector<manifest::SignedHistoryEntry> history_;
  std::string head_hash_ =
      "sha256:0000000000000000000000000000000000000000000000000000000000000000";
  std::map<std::string, StoredManifest> manifests_;  // every manifest ever activated, by hash
  std::deque<std::pair<std::string, StoredManifest>> pending_;  // oldest first
};

}  // namespace c8s::cds
