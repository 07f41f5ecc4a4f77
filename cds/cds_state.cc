// Cds: the persisted state (ARCHITECTURE.md §3.1 step 3) — load or create, the next state of
// an activation (revocations, recovery envelopes), persistence, and adoption of a leader's
// state by a follower replica.
#include "cds/cds.h"
#include "lib/base/log.h"
#include "lib/base/status.h"
#include "lib/base/strings.h"
#include "lib/crypto/hpke.h"
#include "lib/manifest/approval.h"
#include "lib/manifest/history.h"

namespace c8s::cds {
namespace {

absl::Status Missing(std::string_view what) {
  return absl::DataLossError(StrCat("state: missing or malformed ", what));
}

}  // namespace

absl::StatusOr<std::unique_ptr<Cds>> Cds::Open(ByteSpan seed, Storage* storage, CdsOptions options,
                                               const Clock& clock, std::shared_ptr<AuditLog> audit,
                                               bool create_if_empty) {
  ASSIGN_OR_RETURN(SealedStore store, SealedStore::Create(seed, storage));
  ASSIGN_OR_RETURN(ChallengeIssuer challenges,
                   ChallengeIssuer::Create(seed, clock, options.challenge_ttl));
  if (audit == nullptr) {
    ASSIGN_OR_RETURN(audit, AuditLog::Open("", clock));
  }
  std::unique_ptr<Cds> cds(new Cds(Bytes(seed.begin(), seed.end()), std::move(options), clock,
                                   std::move(audit), std::move(store), std::move(challenges)));
  RETURN_IF_ERROR(cds->LoadOrCreate(create_if_empty));
  return cds;
}

absl::Status Cds::LoadOrCreate(bool create_if_empty) {
  std::unique_lock lock(mu_);
  ASSIGN_OR_RETURN(std::optional<nlohmann::json> doc, store_.Get(kStateObject));
  if (!doc.has_value()) {
    if (!create_if_empty) return absl::NotFoundError("state: storage holds no CDS state");
    // First start on empty storage: keys are born here, in CVM memory.
    ASSIGN_OR_RETURN(ClusterCa ca, ClusterCa::Generate(clock_.Now()));
    crypto::hpke::KeyPair sealing = crypto::hpke::GenerateKeyPair();
    ca_ = std::move(ca);
    sealing_private_ = sealing.private_key;
    ASSIGN_OR_RETURN(crypto::PublicKey pub, crypto::PublicKey::FromRawX25519(sealing.public_key));
    ASSIGN_OR_RETURN(sealing_key_, crypto::PrivateKey::FromRawX25519(sealing_private_));
    sealing_public_der_ = pub.SpkiDer();
    PersistedState first{ManifestLog(manifest::ClusterId(ca_->certificate().GetPublicKey().value()),
                                     options_.max_pending),
                         {},
                         std::nullopt};
    // Conditional on the object being absent: a second replica racing on empty storage gets
    // Aborted here instead of a second CA.
    if (absl::Status st = PersistLocked(first); !st.ok()) {
      ca_.reset();
      return Annotate(st, "creating the cluster CA");
    }
    std::string cluster = first.log.cluster();
    InstallLocked(std::move(first));
    lock.unlock();
    audit_->Record("create", "created", "", {{"cluster", cluster}});
    log::Info("created cluster CA and sealing key",
              {{"cluster", cluster}, {"storage", store_.storage()->Describe()}});
    return absl::OkStatus();
  }
  const nlohmann::json& d = *doc;
  if (!d.contains("ca") || !d["ca"].is_object() || !d["ca"].contains("key") ||
      !d["ca"]["key"].is_string() || !d["ca"].contains("cert") || !d["ca"]["cert"].is_string() ||
      !d.contains("sealingKey") || !d["sealingKey"].is_string()) {
    return Missing("ca or sealingKey");
  }
  ASSIGN_OR_RETURN(ClusterCa ca, ClusterCa::Load(d["ca"]["key"].get<std::string>(),
                                                 d["ca"]["cert"].get<std::string>()));
  ASSIGN_OR_RETURN(Bytes sealing, Base64Decode(d["sealingKey"].get<std::string>()));
  ASSIGN_OR_RETURN(Bytes sealing_pub, crypto::hpke::PublicKeyFromPrivate(sealing));
  ASSIGN_OR_RETURN(crypto::PublicKey pub, crypto::PublicKey::FromRawX25519(sealing_pub));
  ca_ = std::move(ca);
  ASSIGN_OR_RETURN(sealing_key_, crypto::PrivateKey::FromRawX25519(sealing));
  sealing_private_ = std::move(sealing);
  sealing_public_der_ = pub.SpkiDer();
  absl::StatusOr<PersistedState> state = FromDoc(d);
  if (!state.ok()) {
    ca_.reset();
    return state.status();
  }
  InstallLocked(std::move(*state));
  log::Info("loaded state", {{"cluster", log_->cluster()},
                             {"generation", log_->generation()},
                             {"version", store_.version(kStateObject)}});
  return absl::OkStatus();
}

absl::StatusOr<Cds::PersistedState> Cds::FromDoc(const nlohmann::json& d) const {
  if (!d.contains("manifests") || !d.contains("revoked") || !d["revoked"].is_array()) {
    return Missing("manifests or revoked");
  }
  ASSIGN_OR_RETURN(crypto::PublicKey ca_pub, ca_->certificate().GetPublicKey());
  ASSIGN_OR_RETURN(ManifestLog log,
                   ManifestLog::FromJson(d["manifests"], manifest::ClusterId(ca_pub), ca_pub,
                                         options_.max_pending));
  PersistedState s{std::move(log), {}, std::nullopt};
  for (const nlohmann::json& r : d["revoked"]) {
    ASSIGN_OR_RETURN(RevokedSerial rs, ParseRevokedSerial(r));
    s.revoked.push_back(std::move(rs));
  }
  if (d.contains("recovery") && !d["recovery"].is_null()) {
    ASSIGN_OR_RETURN(RecoveryRecord rec, ParseRecoveryRecord(d["recovery"].dump()));
    s.recovery = std::move(rec);
  }
  return s;
}

absl::Status Cds::PersistLocked(const PersistedState& next) {
  AuditHead head = audit_->head();
  nlohmann::json revoked = nlohmann::json::array();
  for (const RevokedSerial& r : next.revoked) revoked.push_back(ToJson(r));
  nlohmann::json doc = {{"format", 2},
                        {"ca", {{"key", ca_->key().ToPem()}, {"cert", ca_->certificate().ToPem()}}},
                        {"sealingKey", Base64Encode(sealing_private_)},
                        {"manifests", next.log.ToJson()},
                        {"revoked", revoked},
                        {"recovery", next.recovery ? ToJson(*next.recovery) : nlohmann::json()},
                        {"auditHead", {{"seq", head.seq}, {"hash", head.hash}}}};
  return store_.Put(kStateObject, doc);
}

void Cds::InstallLocked(PersistedState next) {
  bool recovery_changed = next.recovery != recovery_;
  log_ = std::move(next.log);
  revoked_ = std::move(next.revoked);
  revoked_set_.clear();
  for (const RevokedSerial& r : revoked_) revoked_set_.insert(r.serial);
  recovery_ = std::move(next.recovery);
  node_policy_cache_.clear();
  if (recovery_changed && recovery_.has_value()) WriteRecoveryObject(*recovery_);
}

absl::StatusOr<Cds::PersistedState> Cds::NextStateLocked(ManifestLog next_log,
                                                         nlohmann::json* details) {
  PersistedState next{std::move(next_log), {}, recovery_};
  absl::Time now = clock_.Now();
  for (const RevokedSerial& r : revoked_) {
    if (r.not_after > now) next.revoked.push_back(r);  // expired ones need no CRL entry
  }
  const StoredManifest* active = next.log.active();
  if (active == nullptr || next.log.generation() == log_->generation()) return next;
  // A new manifest: revoke what it no longer admits, re-seal the seed to its recovery keys.
  std::vector<std::string> serials;
  for (RevokedSerial& r : registry_.RevocationsFor(*active->manifest, now)) {
    if (revoked_set_.count(r.serial) != 0) continue;
    serials.push_back(r.serial);
    next.revoked.push_back(std::move(r));
  }
  if (!serials.empty()) (*details)["revoked"] = serials;
  const std::vector<manifest::NamedKey>& keys = active->manifest->recovery_keys;
  if (!next.recovery.has_value() || !SameRecoveryKeys(*next.recovery, keys)) {
    ASSIGN_OR_RETURN(RecoveryRecord rec, SealSeedToRecoveryKeys(seed_, next.log.cluster(),
                                                                next.log.generation(), keys));
    next.recovery = std::move(rec);
    (*details)["recoveryEnvelopes"] = keys.size();
  }
  return next;
}

void Cds::WriteRecoveryObject(const RecoveryRecord& record) {
  // Plaintext on purpose: a CDS without the seed must be able to hand it to the owners.
  std::string text = ToJson(record).dump();
  absl::StatusOr<std::string> rev = store_.storage()->Write(kRecoveryObject, AsBytes(text));
  if (!rev.ok()) {
    log::Error("writing the recovery envelopes failed (they are also in the sealed state)",
               {{"error", StatusText(rev.status())}});
  }
}

void Cds::NotifyPersisted() {
  std::function<void(const Bytes&)> listener;
  {
    std::lock_guard lock(mu_);
    listener = state_listener_;
  }
  std::optional<Bytes> blob = store_.LastBlob(kStateObject);
  if (listener && blob.has_value()) listener(*blob);
}

std::optional<Bytes> Cds::StateBlob() const { return store_.LastBlob(kStateObject); }

absl::Status Cds::AdoptState(ByteSpan blob) {
  {
    std::lock_guard lock(mu_);
    ASSIGN_OR_RETURN(nlohmann::json doc, store_.Adopt(kStateObject, blob));
    if (!doc.contains("ca") || !doc["ca"].contains("cert") || !doc["ca"]["cert"].is_string() ||
        doc["ca"]["cert"].get<std::string>() != ca_->certificate().ToPem()) {
      return absl::DataLossError(
          "replicated state: another cluster CA (two clusters on one "
          "storage, or a forged push)");
    }
    ASSIGN_OR_RETURN(PersistedState next, FromDoc(doc));
    manifest::HistoryHead seen{log_->generation(), log_->head_hash()};
    if (absl::Status st = manifest::CheckExtends(seen, next.log.history()); !st.ok()) {
      return Annotate(st, "replicated state");
    }
    InstallLocked(std::move(next));
  }
  BundleChanged();
  return absl::OkStatus();
}

absl::Status Cds::CheckStorage() {
  std::optional<Bytes> known = store_.LastBlob(kStateObject);
  if (!known.has_value()) return absl::OkStatus();
  ASSIGN_OR_RETURN(auto mine, store_.Unseal(kStateObject, *known));
  ASSIGN_OR_RETURN(std::optional<Blob> stored, store_.storage()->Read(kStateObject));
  if (!stored.has_value()) {
    return absl::DataLossError(StrCat("storage lost the state: version ", mine.first,
                                      " was written and acknowledged"));
  }
  absl::StatusOr<std::pair<uint64_t, nlohmann::json>> theirs =
      store_.Unseal(kStateObject, stored->data);
  if (!theirs.ok()) return Annotate(theirs.status(), "storage");
  if (theirs->first < mine.first) {
    return absl::DataLossError(StrCat("storage is stale: it serves version ", theirs->first,
                                      ", version ", mine.first, " was written"));
  }
  if (theirs->first == mine.first && stored->data != *known) {
    return absl::DataLossError(StrCat("storage holds another blob for version ", mine.first,
                                      " than the leader wrote (conflicting writes acknowledged)"));
  }
  return absl::OkStatus();
}

void Cds::SetStateListener(std::function<void(const Bytes&)> listener) {
  std::lock_guard lock(mu_);
  state_listener_ = std::move(listener);
}

void Cds::SetIssuedListener(std::function<void(const IssuedRecord&)> listener) {
  std::lock_guard lock(mu_);
  issued_listener_ = std::move(listener);
}

std::optional<RecoveryRecord> Cds::recovery() const {
  std::lock_guard lock(mu_);
  return recovery_;
}

}  // namespace c8s::cds
