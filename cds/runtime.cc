#include "cds/runtime.h"

#include <unistd.h>

#include "lib/attest/report_data.h"
#include "lib/base/fd.h"
#include "lib/base/log.h"
#include "lib/base/status.h"
#include "lib/base/strings.h"
#include "lib/crypto/hash.h"

namespace c8s::cds {

absl::StatusOr<std::optional<Bytes>> FileSeedStore::Load() {
  if (::access(path_.c_str(), F_OK) != 0) return std::optional<Bytes>();
  ASSIGN_OR_RETURN(std::string data, ReadFile(path_, 4096));
  if (data.size() != 32) {
    return absl::DataLossError(StrCat("seed file ", path_, ": ", data.size(), " bytes, want 32"));
  }
  return std::optional<Bytes>(ToBytes(data));
}

absl::Status FileSeedStore::Save(ByteSpan seed) {
  return WriteFileAtomic(path_, AsChars(seed), 0600);
}

void FileSeedStore::Clear() { ::unlink(path_.c_str()); }

absl::StatusOr<std::unique_ptr<CdsRuntime>> CdsRuntime::Start(RuntimeConfig config) {
  if (config.storage == nullptr || config.seed_store == nullptr || config.clock == nullptr) {
    return absl::InvalidArgumentError("runtime: storage, seed store and clock are required");
  }
  std::unique_ptr<CdsRuntime> rt(new CdsRuntime(std::move(config)));
  ASSIGN_OR_RETURN(rt->audit_, AuditLog::Open(rt->config_.audit_path, *rt->config_.clock));
  rt->recipient_ = crypto::hpke::GenerateKeyPair();
  RETURN_IF_ERROR(rt->Boot());
  return rt;
}

absl::Status CdsRuntime::Boot() {
  ASSIGN_OR_RETURN(std::optional<Bytes> seed, config_.seed_store->Load());
  if (seed.has_value()) {
    absl::Status st = OpenWith(*seed, config_.may_create, "seed store");
    if (st.code() == absl::StatusCode::kNotFound) {
      log::Warn(
          "sealed: this replica holds a seed but storage holds no state (restore a backup "
          "with Recovery.Recover)",
          {{"storage", config_.storage->Describe()}});
      return absl::OkStatus();
    }
    return st;
  }
  ASSIGN_OR_RETURN(std::optional<Blob> state, config_.storage->Read(kStateObject));
  if (!state.has_value() && config_.may_create) {
    Bytes fresh = crypto::RandomBytes(32);
    // Saved first: a CA whose seed was never kept would be lost at the next restart.
    RETURN_IF_ERROR(config_.seed_store->Save(fresh));
    absl::Status st = OpenWith(fresh, true, "created");
    if (st.code() == absl::StatusCode::kAborted) {
      config_.seed_store->Clear();
      log::Info("another replica created the cluster first; waiting for its seed",
                {{"reason", StatusText(st)}});
      return absl::OkStatus();
    }
    if (!st.ok()) config_.seed_store->Clear();
    return st;
  }
  log::Warn(
      "sealed: storage holds CDS state but this replica has no seed; waiting for a "
      "replica (Replica.Join) or the owner (Recovery.Recover)",
      {{"storage", config_.storage->Describe()}, {"seed", config_.seed_store->Describe()}});
  return absl::OkStatus();
}

absl::Status CdsRuntime::OpenWith(ByteSpan seed, bool create, std::string_view how) {
  absl::StatusOr<std::unique_ptr<Cds>> cds =
      Cds::Open(seed, config_.storage, config_.options, *config_.clock, audit_, create);
  if (!cds.ok()) return cds.status();
  std::vector<std::function<void()>> listeners;
  {
    std::lock_guard lock(mu_);
    cds_ = std::move(*cds);
    listeners = listeners_;
  }
  AttestationInfo info = cds_->Attestation();
  audit_->Record(
      "open", "opened", "",
      {{"how", std::string(how)}, {"cluster", info.cluster}, {"generation", info.generation}});
  for (const auto& l : listeners) l();
  return absl::OkStatus();
}

std::shared_ptr<Cds> CdsRuntime::cds() const {
  std::lock_guard lock(mu_);
  return cds_;
}

AuditLog& CdsRuntime::audit() const { return *audit_; }

void CdsRuntime::AddOpenListener(std::function<void()> listener) {
  std::lock_guard lock(mu_);
  listeners_.push_back(std::move(listener));
}

absl::Status CdsRuntime::Refuse(std::string_view event, const absl::Status& st) {
  audit_->Record(event, "refused", StatusText(st));
  log::Warn("refused", {{"event", event}, {"reason", StatusText(st)}});
  return st;
}

absl::Status CdsRuntime::Unseal(ByteSpan seed, std::string_view how) {
  if (!sealed()) return absl::FailedPreconditionError("not sealed: this CDS already has its seed");
  if (seed.size() != 32) {
    return Refuse("unseal",
                  absl::InvalidArgumentError(StrCat("seed: ", seed.size(), " bytes, want 32")));
  }
  absl::Status st = OpenWith(seed, false, how);
  if (!st.ok()) {
    return Refuse("unseal", Annotate(st, "the seed does not open the stored state"));
  }
  RETURN_IF_ERROR(config_.seed_store->Save(seed));
  log::Info("unsealed", {{"how", how}, {"cluster", cds()->Attestation().cluster}});
  return absl::OkStatus();
}

absl::StatusOr<std::optional<RecoveryRecord>> CdsRuntime::StoredRecovery() const {
  ASSIGN_OR_RETURN(std::optional<Blob> blob, config_.storage->Read(kRecoveryObject));
  if (!blob.has_value()) return std::optional<RecoveryRecord>();
  ASSIGN_OR_RETURN(RecoveryRecord r, ParseRecoveryRecord(AsChars(blob->data)));
  return std::optional<RecoveryRecord>(std::move(r));
}

absl::StatusOr<RecoveryChallenge> CdsRuntime::GetRecoveryChallenge(ByteSpan nonce) {
  if (!sealed()) {
    return absl::FailedPreconditionError("not sealed: this CDS needs no recovery");
  }
  if (nonce.size() != 32) {
    return absl::InvalidArgumentError(StrCat("nonce: ", nonce.size(), " bytes, want 32"));
  }
  if (config_.evidence == nullptr) {
    return absl::UnavailableError("this CDS has no evidence source configured");
  }
  Bytes recipient;
  {
    std::lock_guard lock(mu_);
    recipient = recipient_.public_key;
  }
  attest::ReportData role = attest::RecoverRoleBinding(nonce, recipient);
  ASSIGN_OR_RETURN(OwnEvidenceResult ev, config_.evidence->Get(role));
  absl::StatusOr<std::optional<RecoveryRecord>> record = StoredRecovery();
  RecoveryChallenge out{std::move(ev), std::move(recipient), std::nullopt};
  if (record.ok()) out.record = std::move(*record);
  return out;
}

absl::StatusOr<RecoverResult> CdsRuntime::Recover(const SeedTransfer& transfer,
                                                  const std::vector<StoredObject>& restore) {
  if (!sealed()) {
    return Refuse("recover",
                  absl::FailedPreconditionError("not sealed: this CDS already has its seed"));
  }
  // The cluster the envelopes name: from storage, else from the backup being restored.
  std::optional<RecoveryRecord> record;
  for (const StoredObject& o : restore) {
    if (o.name != kRecoveryObject) continue;
    absl::StatusOr<RecoveryRecord> r = ParseRecoveryRecord(AsChars(o.blob));
    if (!r.ok()) return Refuse("recover", Annotate(r.status(), "backup"));
    record = std::move(*r);
  }
  absl::StatusOr<std::optional<RecoveryRecord>> stored = StoredRecovery();
  if (!stored.ok()) return Refuse("recover", stored.status());
  if (stored->has_value()) record = std::move(**stored);
  if (!record.has_value()) {
    return Refuse("recover", absl::FailedPreconditionError(
                                 "no recovery record in storage or in the backup: nothing to "
                                 "recover (was the CDS ever claimed?)"));
  }
  Bytes recipient_private;
  {
    std::lock_guard lock(mu_);
    recipient_private = recipient_.private_key;
  }
  absl::StatusOr<Bytes> seed = OpenSeedTransfer(transfer, record->cluster, recipient_private);
  if (!seed.ok()) return Refuse("recover", seed.status());
  if (!restore.empty()) {
    // Every backup object must open with this seed before anything is written.
    ASSIGN_OR_RETURN(SealedStore check, SealedStore::Create(*seed, config_.storage));
    std::vector<std::pair<const StoredObject*, uint64_t>> sealed;
    for (const StoredObject& o : restore) {
      if (absl::Status st = CheckObjectName(o.name); !st.ok()) return Refuse("recover", st);
      if (o.name == kRecoveryObject) continue;
      absl::StatusOr<std::pair<uint64_t, nlohmann::json>> mine = check.Unseal(o.name, o.blob);
      if (!mine.ok()) return Refuse("recover", Annotate(mine.status(), "backup"));
      sealed.emplace_back(&o, mine->first);
    }
    // Written where storage holds nothing, or something older or unreadable.
    for (const auto& [o, version] : sealed) {
      ASSIGN_OR_RETURN(std::optional<Blob> current, config_.storage->Read(o->name));
      if (current.has_value()) {
        auto theirs = check.Unseal(o->name, current->data);
        if (theirs.ok() && theirs->first >= version) continue;
      }
      RETURN_IF_ERROR(config_.storage->Write(o->name, o->blob).status());
    }
    if (record.has_value() && !stored->has_value()) {
      RETURN_IF_ERROR(
          config_.storage->Write(kRecoveryObject, AsBytes(ToJson(*record).dump())).status());
    }
  }
  if (absl::Status st = Unseal(*seed, "recovered by an owner"); !st.ok()) return st;
  std::shared_ptr<Cds> cds = this->cds();
  AttestationInfo info = cds->Attestation();
  if (info.cluster != record->cluster) {
    // Cannot happen with an honest record: the seed opened this cluster's state.
    log::Error("recovered a different cluster than the recovery record names",
               {{"record", record->cluster}, {"state", info.cluster}});
  }
  {
    std::lock_guard lock(mu_);
    recipient_ = crypto::hpke::GenerateKeyPair();
  }
  audit_->Record("recover", "recovered", "",
                 {{"cluster", info.cluster},
                  {"generation", info.generation},
                  {"restoredObjects", restore.size()}});
  return RecoverResult{info.generation, info.head_hash, info.cluster};
}

absl::StatusOr<std::vector<StoredObject>> CdsRuntime::ExportBackup() {
  ASSIGN_OR_RETURN(std::vector<std::string> names, config_.storage->List());
  std::vector<StoredObject> out;
  for (const std::string& n : names) {
    ASSIGN_OR_RETURN(std::optional<Blob> blob, config_.storage->Read(n));
    if (blob.has_value()) out.push_back({n, std::move(blob->data)});
  }
  audit_->Record("backup", "exported", "", {{"objects", out.size()}});
  return out;
}

}  // namespace c8s::cds
