#include "cds/cds.h"

#include "lib/base/log.h"
#include "lib/base/status.h"
#include "lib/base/strings.h"
#include "lib/crypto/hpke.h"
#include "lib/manifest/approval.h"

namespace c8s::cds {
namespace {
constexpr char kStateObject[] = "state";
}  // namespace

absl::StatusOr<std::unique_ptr<Cds>> Cds::Open(ByteSpan seed, Storage* storage,
                                               CdsOptions options, const Clock& clock,
                                               std::unique_ptr<AuditLog> audit) {
  ASSIGN_OR_RETURN(SealedStore store, SealedStore::Create(seed, storage));
  ASSIGN_OR_RETURN(ChallengeIssuer challenges,
                   ChallengeIssuer::Create(seed, clock, options.challenge_ttl));
  if (audit == nullptr) {
    ASSIGN_OR_RETURN(audit, AuditLog::Open("", clock));
  }
  std::unique_ptr<Cds> cds(new Cds(std::move(options), clock, std::move(audit), std::move(store),
                                   std::move(challenges)));
  RETURN_IF_ERROR(cds->LoadOrCreate());
  return cds;
}

absl::Status Cds::LoadOrCreate() {
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(std::optional<nlohmann::json> doc, store_.Get(kStateObject));
  if (!doc.has_value()) {
    // First start on empty storage: keys are born here, in CVM memory.
    ASSIGN_OR_RETURN(ClusterCa ca, ClusterCa::Generate(clock_.Now()));
    crypto::hpke::KeyPair sealing = crypto::hpke::GenerateKeyPair();
    ca_ = std::move(ca);
    sealing_private_ = sealing.private_key;
    ASSIGN_OR_RETURN(crypto::PublicKey pub, crypto::PublicKey::FromRawX25519(sealing.public_key));
    sealing_public_der_ = pub.SpkiDer();
    ManifestLog log(manifest::ClusterId(ca_->certificate().GetPublicKey().value()),
                    options_.max_pending);
    RETURN_IF_ERROR(PersistLocked(log));
    log_ = std::move(log);
    log::Info("created cluster CA and sealing key",
              {{"cluster", log_->cluster()}, {"storage", store_.storage()->Describe()}});
    return absl::OkStatus();
  }
  const nlohmann::json& d = *doc;
  if (!d.contains("ca") || !d["ca"].contains("key") || !d["ca"].contains("cert") ||
      !d.contains("sealingKey") || !d.contains("manifests") || !d.contains("revoked")) {
    return absl::DataLossError("state: missing ca, sealingKey, manifests or revoked");
  }
  ASSIGN_OR_RETURN(ClusterCa ca, ClusterCa::Load(d["ca"]["key"].get<std::string>(),
                                                 d["ca"]["cert"].get<std::string>()));
  ASSIGN_OR_RETURN(Bytes sealing, Base64Decode(d["sealingKey"].get<std::string>()));
  ASSIGN_OR_RETURN(Bytes sealing_pub, crypto::hpke::PublicKeyFromPrivate(sealing));
  ASSIGN_OR_RETURN(crypto::PublicKey pub, crypto::PublicKey::FromRawX25519(sealing_pub));
  ASSIGN_OR_RETURN(crypto::PublicKey ca_pub, ca.certificate().GetPublicKey());
  ASSIGN_OR_RETURN(ManifestLog log, ManifestLog::FromJson(d["manifests"], manifest::ClusterId(ca_pub),
                                                          ca_pub, options_.max_pending));
  ca_ = std::move(ca);
  sealing_private_ = std::move(sealing);
  sealing_public_der_ = pub.SpkiDer();
  revoked_ = d["revoked"].get<std::vector<std::string>>();
  log_ = std::move(log);
  log::Info("loaded state", {{"cluster", log_->cluster()}, {"generation", log_->generation()},
                             {"version", store_.version(kStateObject)}});
  return absl::OkStatus();
}

absl::Status Cds::PersistLocked(const ManifestLog& log) {
  AuditHead head = audit_->head();
  nlohmann::json doc = {
      {"ca", {{"key", ca_->key().ToPem()}, {"cert", ca_->certificate().ToPem()}}},
      {"sealingKey", Base64Encode(sealing_private_)},
      {"manifests", log.ToJson()},
      {"revoked", revoked_},
      {"auditHead", {{"seq", head.seq}, {"hash", head.hash}}}};
  return store_.Put(kStateObject, doc);
}

ManifestStamp Cds::StampLocked() const {
  return {log_->generation(), log_->active_hash(),
          log_->active_mode() == manifest::ApprovalMode::kAutomatic
              ? crypto::ApprovalMode::kAutomatic
              : crypto::ApprovalMode::kOwner};
}

absl::Status Cds::Refuse(std::string_view event, const absl::Status& st, nlohmann::json details) {
  metrics_.Inc("c8s_cds_refusals_total",
               Labels{{"event", std::string(event)}, {"reason", ReasonLabel(StatusText(st))}});
  audit_->Record(event, "refused", StatusText(st), std::move(details));
  log::Warn("refused", {{"event", event}, {"reason", StatusText(st)}});
  return st;
}

void Cds::BundleChanged() {
  std::vector<std::function<void()>> listeners;
  {
    std::lock_guard lock(mu_);
    bundle_version_++;
    bundle_cache_.reset();
    listeners = listeners_;
  }
  for (const auto& l : listeners) l();
}

uint64_t Cds::bundle_version() const {
  std::lock_guard lock(mu_);
  return bundle_version_;
}

void Cds::AddBundleListener(std::function<void()> listener) {
  std::lock_guard lock(mu_);
  listeners_.push_back(std::move(listener));
}

absl::StatusOr<SignedBundleView> Cds::CurrentBundle() {
  std::lock_guard lock(mu_);
  if (bundle_cache_.has_value() && bundle_cache_->version == bundle_version_) return *bundle_cache_;
  const StoredManifest* active = log_->active();
  if (active == nullptr) {
    return absl::FailedPreconditionError("no bundle: the CDS is not claimed yet");
  }
  std::vector<manifest::BundleNode> nodes;
  for (const auto& [name, n] : nodes_) nodes.push_back(n);
  ASSIGN_OR_RETURN(manifest::PolicyBundle bundle,
                   manifest::DeriveBundle(*active->manifest, log_->generation(), std::move(nodes),
                                          options_.infrastructure, FormatRfc3339(clock_.Now())));
  ASSIGN_OR_RETURN(std::string signed_json, manifest::SignBundle(bundle, ca_->key()));
  bundle_cache_ = SignedBundleView{std::move(signed_json), log_->generation(), bundle_version_};
  return *bundle_cache_;
}

absl::StatusOr<Bytes> Cds::CrlDer() {
  std::lock_guard lock(mu_);
  absl::Time now = clock_.Now();
  ASSIGN_OR_RETURN(crypto::Crl crl,
                   crypto::Crl::Issue(ca_->authority(), revoked_, now, now + absl::Hours(1)));
  return crl.ToDer();
}

absl::StatusOr<crypto::Certificate> Cds::IssueServing(const crypto::CertificateRequest& csr,
                                                      const crypto::SubjectAltNames& sans) {
  crypto::IssueOptions opt =
      crypto::LeafOptions(crypto::Name("c8s-cds", "c8s"), clock_.Now(), absl::Hours(24 * 30));
  opt.server_auth = true;
  opt.sans = sans;
  return ca_->authority().IssueForRequest(csr, opt);
}

AttestationInfo Cds::Attestation() {
  std::lock_guard lock(mu_);
  return {ca_->certificate().ToDer(), sealing_public_der_, log_->claimed(), log_->generation(),
          log_->head_hash(),          log_->active_mode(),  log_->cluster()};
}

std::string Cds::MetricsText() {
  AttestationInfo info = Attestation();
  return metrics_.Render({{"c8s_cds_manifest_generation", static_cast<double>(info.generation)},
                          {"c8s_cds_claimed", info.claimed ? 1.0 : 0.0},
                          {"c8s_cds_approval_automatic",
                           info.mode == manifest::ApprovalMode::kAutomatic ? 1.0 : 0.0},
                          {"c8s_cds_challenges_spent", static_cast<double>(challenges_.spent_count())},
                          {"c8s_cds_replica_leader", 1.0}});
}

}  // namespace c8s::cds
