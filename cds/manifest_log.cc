#include "cds/manifest_log.h"

#include <algorithm>

#include "lib/base/clock.h"
#include "lib/base/status.h"
#include "lib/base/strings.h"
#include "lib/manifest/approval.h"
#include "lib/manifest/parse.h"
#include "lib/manifest/serialize.h"

namespace c8s::cds {

absl::StatusOr<StoredManifest> ManifestLog::ParseStored(std::string_view json) {
  absl::StatusOr<manifest::Manifest> m = manifest::ParseManifest(json);
  if (!m.ok()) return Annotate(m.status(), "manifest");
  ASSIGN_OR_RETURN(std::string canonical, manifest::CanonicalBytes(*m));
  return StoredManifest{std::move(canonical),
                        std::make_shared<const manifest::Manifest>(std::move(*m))};
}

const StoredManifest* ManifestLog::active() const {
  if (history_.empty()) return nullptr;
  auto it = manifests_.find(history_.back().entry.manifest_hash);
  return it == manifests_.end() ? nullptr : &it->second;
}

const StoredManifest* ManifestLog::AtGeneration(int64_t generation) const {
  if (generation < 1 || generation > this->generation()) return nullptr;
  return Find(history_[static_cast<size_t>(generation - 1)].entry.manifest_hash);
}

const StoredManifest* ManifestLog::Find(std::string_view hash) const {
  auto it = manifests_.find(std::string(hash));
  return it == manifests_.end() ? nullptr : &it->second;
}

std::string ManifestLog::active_hash() const {
  return history_.empty() ? "" : history_.back().entry.manifest_hash;
}

manifest::ApprovalMode ManifestLog::active_mode() const {
  const StoredManifest* a = active();
  return a == nullptr ? manifest::ApprovalMode::kOwner : a->manifest->approval;
}

absl::StatusOr<Activation> ManifestLog::Append(const std::string& hash,
                                               std::vector<manifest::Approval> approvals,
                                               manifest::ApprovalMode mode,
                                               const crypto::PrivateKey& ca_key, absl::Time now) {
  manifest::HistoryEntry entry;
  entry.generation = generation() + 1;
  entry.manifest_hash = hash;
  entry.previous_entry_hash = head_hash_;
  entry.approvals = std::move(approvals);
  entry.activated_at = FormatRfc3339(now);
  entry.mode = mode;
  ASSIGN_OR_RETURN(manifest::SignedHistoryEntry signed_entry,
                   manifest::SignHistoryEntry(entry, ca_key));
  ASSIGN_OR_RETURN(std::string entry_hash, manifest::EntryHash(entry));
  history_.push_back(signed_entry);
  head_hash_ = entry_hash;
  return Activation{std::move(signed_entry), std::move(entry_hash)};
}

absl::StatusOr<Activation> ManifestLog::Claim(std::string_view manifest_json,
                                              std::string_view statement_json,
                                              std::string_view owner, ByteSpan signature,
                                              const crypto::PrivateKey& ca_key, absl::Time now) {
  if (claimed()) {
    return absl::FailedPreconditionError(
        StrCat("claim refused: already claimed (generation ", generation(), " active)"));
  }
  ASSIGN_OR_RETURN(StoredManifest stored, ParseStored(manifest_json));
  absl::StatusOr<manifest::ApprovalStatement> st = manifest::ParseApprovalStatement(statement_json);
  if (!st.ok()) return Annotate(st.status(), "approval statement");
  manifest::ActiveState state{cluster_, 0, head_hash_, nullptr};
  absl::Status ok = manifest::CheckApproval(*st, signature, owner, state, *stored.manifest);
  if (!ok.ok()) return Annotate(ok, "claim refused");
  std::string hash = st->manifest_hash;
  manifests_[hash] = std::move(stored);
  // Proposed before the claim (the usual way to learn the cluster id): active now, so no
  // longer pending, as after Approve.
  std::erase_if(pending_, [&](const auto& p) { return p.first == hash; });
  std::vector<manifest::Approval> approvals{
      {std::string(owner), *st, Bytes(signature.begin(), signature.end())}};
  return Append(hash, std::move(approvals), manifest::ApprovalMode::kOwner, ca_key, now);
}

absl::StatusOr<Proposal> ManifestLog::Propose(std::string_view manifest_json,
                                              const crypto::PrivateKey& ca_key, absl::Time now) {
  ASSIGN_OR_RETURN(StoredManifest stored, ParseStored(manifest_json));
  ASSIGN_OR_RETURN(std::string hash, manifest::ManifestHash(*stored.manifest));
  if (hash == active_hash()) {
    return Proposal{hash, true, generation(), active_mode()};
  }
  if (claimed() && active_mode() == manifest::ApprovalMode::kAutomatic) {
    manifests_[hash] = std::move(stored);
    RETURN_IF_ERROR(Append(hash, {}, manifest::ApprovalMode::kAutomatic, ca_key, now).status());
    return Proposal{hash, true, generation(), manifest::ApprovalMode::kAutomatic};
  }
  auto same = std::find_if(pending_.begin(), pending_.end(),
                           [&](const auto& p) { return p.first == hash; });
  if (same != pending_.end()) pending_.erase(same);
  if (pending_.size() >= max_pending_) pending_.pop_front();
  pending_.emplace_back(hash, std::move(stored));
  return Proposal{hash, false, generation(), active_mode()};
}

absl::StatusOr<PendingView> ManifestLog::GetPending(std::string_view hash) const {
  if (pending_.empty()) return absl::NotFoundError("no pending proposal");
  auto it = hash.empty() ? std::prev(pending_.end())
                         : std::find_if(pending_.begin(), pending_.end(),
                                        [&](const auto& p) { return p.first == hash; });
  if (it == pending_.end()) {
    return absl::NotFoundError(StrCat("no pending proposal with hash ", hash));
  }
  return PendingView{it->second.canonical_json, it->first, generation() + 1, head_hash_, cluster_};
}

absl::StatusOr<Activation> ManifestLog::Approve(std::string_view statement_json,
                                                std::string_view owner, ByteSpan signature,
                                                const crypto::PrivateKey& ca_key, absl::Time now) {
  if (!claimed()) {
    return absl::FailedPreconditionError(
        "approval refused: the CDS is not claimed yet (use Claim with the first manifest)");
  }
  absl::StatusOr<manifest::ApprovalStatement> st = manifest::ParseApprovalStatement(statement_json);
  if (!st.ok()) return Annotate(st.status(), "approval statement");
  auto it = std::find_if(pending_.begin(), pending_.end(),
                         [&](const auto& p) { return p.first == st->manifest_hash; });
  if (it == pending_.end()) {
    return absl::NotFoundError(
        StrCat("approval refused: no pending proposal with hash ", st->manifest_hash));
  }
  const StoredManifest* current = active();
  manifest::ActiveState state{cluster_, generation(), head_hash_, current->manifest.get()};
  absl::Status ok = manifest::CheckApproval(*st, signature, owner, state, *it->second.manifest);
  if (!ok.ok()) return Annotate(ok, "approval refused");
  manifest::ApprovalMode mode = current->manifest->approval;
  std::string hash = it->first;
  manifests_[hash] = std::move(it->second);
  pending_.erase(it);
  std::vector<manifest::Approval> approvals{
      {std::string(owner), *st, Bytes(signature.begin(), signature.end())}};
  return Append(hash, std::move(approvals), mode, ca_key, now);
}

nlohmann::json ManifestLog::ToJson() const {
  nlohmann::json manifests = nlohmann::json::object();
  for (const auto& [hash, m] : manifests_) manifests[hash] = m.canonical_json;
  nlohmann::json pending = nlohmann::json::array();
  for (const auto& [hash, m] : pending_) pending.push_back(m.canonical_json);
  return {{"history", manifest::HistoryToJson(history_)["entries"]},
          {"manifests", manifests},
          {"pending", pending}};
}

absl::StatusOr<ManifestLog> ManifestLog::FromJson(const nlohmann::json& doc, std::string cluster,
                                                  const crypto::PublicKey& ca_public_key,
                                                  size_t max_pending) {
  if (!doc.is_object() || !doc.contains("history") || !doc["history"].is_array() ||
      !doc.contains("manifests") || !doc["manifests"].is_object() || !doc.contains("pending") ||
      !doc["pending"].is_array()) {
    return absl::DataLossError("manifest log: want {history: [], manifests: {}, pending: []}");
  }
  ManifestLog log(std::move(cluster), max_pending);
  for (const auto& [hash, text] : doc["manifests"].items()) {
    if (!text.is_string()) return absl::DataLossError("manifest log: manifest is not a string");
    ASSIGN_OR_RETURN(StoredManifest m, ParseStored(text.get<std::string>()));
    ASSIGN_OR_RETURN(std::string got, manifest::ManifestHash(*m.manifest));
    if (got != hash) {
      return absl::DataLossError(
          StrCat("manifest log: manifest stored as ", hash, " hashes to ", got));
    }
    log.manifests_[hash] = std::move(m);
  }
  for (const auto& e : doc["history"]) {
    ASSIGN_OR_RETURN(manifest::SignedHistoryEntry s, manifest::ParseSignedHistoryEntryJson(e));
    log.history_.push_back(std::move(s));
  }
  auto lookup = [&log](std::string_view h) -> const manifest::Manifest* {
    auto it = log.manifests_.find(std::string(h));
    return it == log.manifests_.end() ? nullptr : it->second.manifest.get();
  };
  // An unclaimed CDS stores an empty history (nothing active yet): nothing to verify.
  if (!log.history_.empty()) {
    absl::StatusOr<manifest::HistoryHead> head =
        manifest::VerifyHistory(log.history_, ca_public_key, lookup);
    if (!head.ok()) return Annotate(head.status(), "manifest log: stored history");
    log.head_hash_ = head->entry_hash;
  }
  for (const auto& text : doc["pending"]) {
    if (!text.is_string()) return absl::DataLossError("manifest log: pending is not a string");
    ASSIGN_OR_RETURN(StoredManifest m, ParseStored(text.get<std::string>()));
    ASSIGN_OR_RETURN(std::string hash, manifest::ManifestHash(*m.manifest));
    log.pending_.emplace_back(std::move(hash), std::move(m));
  }
  return log;
}

}  // namespace c8s::cds
