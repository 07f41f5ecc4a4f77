// Cds: bundles, CRL, serving certificates, attestation inputs, metrics and the shared helpers
// of the other cds_*.cc files.
#include "cds/cds.h"

#include "cds/node_policy.h"
#include "lib/base/log.h"
#include "lib/base/status.h"
#include "lib/base/strings.h"

namespace c8s::cds {

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

const manifest::Manifest* Cds::ManifestAtLocked(int64_t generation) const {
  const StoredManifest* m = log_->AtGeneration(generation);
  return m == nullptr ? nullptr : m->manifest.get();
}

const attest::AttestationPolicy* Cds::NodePolicyAtLocked(int64_t generation) {
  auto it = node_policy_cache_.find(generation);
  if (it != node_policy_cache_.end()) return &it->second;
  const manifest::Manifest* m = ManifestAtLocked(generation);
  if (m == nullptr) return nullptr;
  absl::StatusOr<attest::AttestationPolicy> p = RolePolicy(*m, m->roles.nodes);
  if (!p.ok()) return nullptr;
  return &node_policy_cache_.emplace(generation, std::move(*p)).first->second;
}

void Cds::Recorded(IssuedRecord record) {
  std::function<void(const IssuedRecord&)> listener;
  {
    std::lock_guard lock(mu_);
    listener = issued_listener_;
  }
  if (listener) listener(record);
  if (!registry_.Add(std::move(record))) {
    metrics_.Inc("c8s_cds_registry_full_total");
    log::Error(
        "issued-certificate registry full: a live certificate cannot be tracked for "
        "revocation");
  }
}

void Cds::AddPeerRecord(IssuedRecord record) {
  bool changed = false;
  if (record.kind == IssuedKind::kNode && !record.address.empty()) {
    std::lock_guard lock(mu_);
    manifest::BundleNode node{record.node_name, record.address, record.mesh_port};
    auto it = nodes_.find(record.node_name);
    if (it == nodes_.end() || !(it->second == node)) {
      nodes_[record.node_name] = node;
      changed = true;
    }
  }
  registry_.Add(std::move(record));
  if (changed) BundleChanged();
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

std::vector<RevokedSerial> Cds::Revoked() const {
  std::lock_guard lock(mu_);
  return revoked_;
}

absl::StatusOr<Bytes> Cds::CrlDer() {
  std::lock_guard lock(mu_);
  absl::Time now = clock_.Now();
  std::vector<std::string> serials;
  for (const RevokedSerial& r : revoked_) {
    if (r.not_after > now) serials.push_back(r.serial);
  }
  ASSIGN_OR_RETURN(crypto::Crl crl,
                   crypto::Crl::Issue(ca_->authority(), serials, now, now + absl::Hours(1)));
  return crl.ToDer();
}

absl::StatusOr<crypto::Certificate> Cds::IssueServing(const crypto::CertificateRequest& csr,
                                                      const crypto::SubjectAltNames& sans) {
  crypto::IssueOptions opt =
      crypto::LeafOptions(crypto::Name("c8s-cds", "c8s"), clock_.Now(), absl::Hours(24 * 30));
  opt.server_auth = true;
  opt.client_auth = true;
  opt.sans = sans;
  return ca_->authority().IssueForRequest(csr, opt);
}

AttestationInfo Cds::Attestation() {
  std::lock_guard lock(mu_);
  return {ca_->certificate().ToDer(), sealing_public_der_, log_->claimed(), log_->generation(),
          log_->head_hash(),          log_->active_mode(), log_->cluster()};
}

std::string Cds::MetricsText(const std::vector<std::pair<std::string, double>>& extra) {
  AttestationInfo info = Attestation();
  size_t revoked = 0;
  {
    std::lock_guard lock(mu_);
    revoked = revoked_.size();
  }
  std::vector<std::pair<std::string, double>> gauges = {
      {"c8s_cds_manifest_generation", static_cast<double>(info.generation)},
      {"c8s_cds_claimed", info.claimed ? 1.0 : 0.0},
      {"c8s_cds_approval_automatic", info.mode == manifest::ApprovalMode::kAutomatic ? 1.0 : 0.0},
      {"c8s_cds_challenges_spent", static_cast<double>(challenges_.spent_count())},
      {"c8s_cds_issued_live", static_cast<double>(registry_.size())},
      {"c8s_cds_revoked", static_cast<double>(revoked)},
      {"c8s_cds_state_version", static_cast<double>(state_version())}};
  gauges.insert(gauges.end(), extra.begin(), extra.end());
  return metrics_.Render(gauges);
}

}  // namespace c8s::cds
