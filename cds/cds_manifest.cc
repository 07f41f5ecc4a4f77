// Cds: claim, proposals, approvals and history (ARCHITECTURE.md §3.1 step 5, §3.2).
#include "cds/cds.h"
#include "lib/base/log.h"
#include "lib/base/status.h"
#include "lib/base/strings.h"

namespace c8s::cds {

// Runs `op` on a copy of the log, persists the copy, and only then makes it current; a
// refusal or a failed write leaves the active state and storage as they were.
template <typename Op>
absl::StatusOr<Activation> Cds::Mutate(std::string_view event, Op op, nlohmann::json details) {
  absl::StatusOr<Activation> result;
  {
    std::lock_guard lock(mu_);
    ManifestLog copy = *log_;
    result = op(copy);
    if (result.ok()) {
      absl::StatusOr<PersistedState> next = NextStateLocked(std::move(copy), &details);
      absl::Status st = next.ok() ? PersistLocked(*next) : next.status();
      if (!st.ok()) {
        result = Annotate(st, "not activated: persisting the new state failed");
      } else {
        InstallLocked(std::move(*next));
      }
    }
  }
  if (!result.ok()) return Refuse(event, result.status(), details);
  details["generation"] = result->signed_entry.entry.generation;
  details["manifestHash"] = result->signed_entry.entry.manifest_hash;
  details["entryHash"] = result->entry_hash;
  details["mode"] = std::string(manifest::ApprovalModeName(result->signed_entry.entry.mode));
  audit_->Record(event, "activated", "", details);
  metrics_.Inc("c8s_cds_activations_total", {{"event", std::string(event)}});
  if (details.contains("revoked")) {
    metrics_.Inc("c8s_cds_revocations_total", {}, static_cast<double>(details["revoked"].size()));
  }
  log::Info("manifest activated",
            {{"generation", result->signed_entry.entry.generation},
             {"manifest", result->signed_entry.entry.manifest_hash},
             {"approval_mode",
              std::string(manifest::ApprovalModeName(result->signed_entry.entry.mode))}});
  NotifyPersisted();
  BundleChanged();
  return result;
}

absl::StatusOr<Activation> Cds::Claim(std::string_view manifest_json,
                                      std::string_view statement_json, std::string_view owner,
                                      ByteSpan signature) {
  return Mutate("claim",
                [&](ManifestLog& log) {
                  return log.Claim(manifest_json, statement_json, owner, signature, ca_->key(),
                                   clock_.Now());
                },
                {{"owner", std::string(owner)}});
}

absl::StatusOr<Activation> Cds::Approve(std::string_view statement_json, std::string_view owner,
                                        ByteSpan signature) {
  return Mutate("approve",
                [&](ManifestLog& log) {
                  return log.Approve(statement_json, owner, signature, ca_->key(), clock_.Now());
                },
                {{"owner", std::string(owner)}});
}

absl::StatusOr<Proposal> Cds::Propose(std::string_view manifest_json) {
  absl::StatusOr<Proposal> result;
  int64_t before = 0;
  nlohmann::json details = nlohmann::json::object();
  {
    std::lock_guard lock(mu_);
    before = log_->generation();
    ManifestLog copy = *log_;
    result = copy.Propose(manifest_json, ca_->key(), clock_.Now());
    bool unchanged = result.ok() && result->activated && result->generation == before;
    if (result.ok() && !unchanged) {
      absl::StatusOr<PersistedState> next = NextStateLocked(std::move(copy), &details);
      absl::Status st = next.ok() ? PersistLocked(*next) : next.status();
      if (!st.ok()) {
        result = Annotate(st, "proposal not stored");
      } else {
        InstallLocked(std::move(*next));
      }
    }
  }
  if (!result.ok()) return Refuse("propose", result.status(), details);
  std::string mode(manifest::ApprovalModeName(result->mode));
  details["manifestHash"] = result->manifest_hash;
  details["mode"] = mode;
  audit_->Record("propose", result->activated ? "activated" : "pending", "", details);
  NotifyPersisted();
  if (result->activated && result->generation != before) {
    log::Warn("manifest activated WITHOUT owner approval (Automatic mode, development only)",
              {{"generation", result->generation},
               {"manifest", result->manifest_hash},
               {"approval_mode", mode}});
    BundleChanged();
  }
  return result;
}

absl::StatusOr<PendingView> Cds::GetPending(std::string_view manifest_hash) {
  std::lock_guard lock(mu_);
  return log_->GetPending(manifest_hash);
}

absl::StatusOr<ActiveView> Cds::GetActive() {
  std::lock_guard lock(mu_);
  const StoredManifest* active = log_->active();
  if (active == nullptr) return absl::FailedPreconditionError("not claimed: no active manifest");
  return ActiveView{active->canonical_json, log_->generation(),  log_->active_hash(),
                    log_->head_hash(),      log_->active_mode(), log_->history().back()};
}

std::vector<manifest::SignedHistoryEntry> Cds::History(int64_t from_generation) {
  std::lock_guard lock(mu_);
  std::vector<manifest::SignedHistoryEntry> out;
  for (const auto& e : log_->history()) {
    if (e.entry.generation >= from_generation) out.push_back(e);
  }
  return out;
}

}  // namespace c8s::cds
