// Cds: node and workload certificates (ARCHITECTURE.md §3.3, §3.4).
#include "absl/time/clock.h"
#include "cds/cds.h"
#include "cds/node_policy.h"
#include "lib/base/log.h"
#include "lib/base/status.h"
#include "lib/base/strings.h"

namespace c8s::cds {

Challenge Cds::NewChallenge() {
  metrics_.Inc("c8s_cds_challenges_total");
  return challenges_.Issue();
}

absl::StatusOr<IssuedCert> Cds::IssueNode(const NodeJoinInput& in, const NodeEndpoint& endpoint) {
  absl::Time start = absl::Now();
  nlohmann::json details = {{"node", in.node_name}};
  NodeJoinContext ctx;
  ManifestStamp stamp;
  std::string trust_domain;
  attest::AttestationPolicy policy;
  {
    std::lock_guard lock(mu_);
    const StoredManifest* active = log_->active();
    if (active == nullptr) {
      return Refuse("issue-node",
                    absl::FailedPreconditionError(
                        "not claimed: the CDS issues no certificate before the claim"),
                    details);
    }
    absl::StatusOr<attest::AttestationPolicy> p =
        RolePolicy(*active->manifest, active->manifest->roles.nodes);
    if (!p.ok()) return Refuse("issue-node", p.status(), details);
    policy = std::move(*p);
    ctx.policy_name = active->manifest->roles.nodes;
    stamp = StampLocked();
    trust_domain = active->manifest->trust_domain;
  }
  ctx.policy = &policy;
  ctx.challenges = &challenges_;
  ctx.simulated_roots = options_.simulated_roots;
  ctx.chain_cache = &chain_cache_;
  ctx.assurance = options_.assurance;
  ctx.now = clock_.Now();
  absl::StatusOr<VerifiedNodeJoin> v = VerifyNodeJoin(in, ctx);
  if (!v.ok()) return Refuse("issue-node", v.status(), details);
  NodeCertRequest req{in.node_name, trust_domain, v->claims, stamp, ctx.now,
                      options_.node_lifetime};
  absl::StatusOr<crypto::Certificate> cert = ca_->IssueNode(v->csr, req);
  if (!cert.ok()) return Refuse("issue-node", cert.status(), details);

  details["serial"] = cert->SerialHex();
  details["measurement"] = HexEncode(v->claims.measurement);
  details["platform"] = std::string(attest::PlatformName(v->claims.platform));
  details["approvalMode"] = std::string(crypto::ApprovalModeName(stamp.mode));
  audit_->Record("issue-node", "issued", "", details);
  metrics_.Inc("c8s_cds_issued_total", {{"kind", "node"}});
  metrics_.Observe("c8s_cds_issue_seconds", {{"kind", "node"}},
                   absl::ToDoubleSeconds(absl::Now() - start));
  bool changed = false;
  if (!endpoint.address.empty()) {
    std::lock_guard lock(mu_);
    manifest::BundleNode node{in.node_name, endpoint.address, endpoint.mesh_port};
    auto it = nodes_.find(in.node_name);
    if (it == nodes_.end() || !(it->second == node)) {
      nodes_[in.node_name] = node;
      changed = true;
    }
  }
  if (changed) BundleChanged();
  return IssuedCert{*cert, ca_->certificate(),
                    stamp.mode == crypto::ApprovalMode::kAutomatic
                        ? manifest::ApprovalMode::kAutomatic
                        : manifest::ApprovalMode::kOwner};
}

absl::StatusOr<IssuedCert> Cds::IssueWorkload(ByteSpan csr_der, std::string_view identity,
                                              std::string_view pod_ref,
                                              const crypto::Certificate& node_cert) {
  absl::Time start = absl::Now();
  nlohmann::json details = {{"identity", std::string(identity)}, {"pod", std::string(pod_ref)},
                            {"nodeSerial", node_cert.SerialHex()}};
  WorkloadCertRequest req;
  {
    std::lock_guard lock(mu_);
    const StoredManifest* active = log_->active();
    if (active == nullptr) {
      return Refuse("issue-workload",
                    absl::FailedPreconditionError(
                        "not claimed: the CDS issues no certificate before the claim"),
                    details);
    }
    const manifest::Identity* id = active->manifest->FindIdentity(identity);
    if (id == nullptr) {
      return Refuse("issue-workload",
                    absl::PermissionDeniedError(StrCat(
                        "identity \"", identity, "\" is not defined by the active manifest ",
                        "(generation ", log_->generation(), ")")),
                    details);
    }
    for (const std::string& r : revoked_) {
      if (r == node_cert.SerialHex()) {
        return Refuse("issue-workload",
                      absl::PermissionDeniedError(
                          StrCat("node certificate ", r, " is revoked")),
                      details);
      }
    }
    req.identity = std::string(identity);
    req.trust_domain = active->manifest->trust_domain;
    req.dns_names = id->dns_names;
    req.stamp = StampLocked();
  }
  absl::StatusOr<crypto::C8sClaimsExtension> node_claims = crypto::ReadC8sClaims(node_cert);
  if (!node_claims.ok()) return Refuse("issue-workload", node_claims.status(), details);
  if (!node_claims->node_name.has_value() || node_claims->workload_identity.has_value() ||
      !node_claims->measurement_hex.has_value()) {
    return Refuse("issue-workload",
                  absl::PermissionDeniedError(
                      "caller certificate is not a node certificate (no node claims)"),
                  details);
  }
  absl::StatusOr<crypto::CertificateRequest> csr = crypto::CertificateRequest::FromDer(csr_der);
  if (!csr.ok()) return Refuse("issue-workload", Annotate(csr.status(), "csr"), details);
  absl::StatusOr<crypto::PublicKey> key = csr->GetPublicKey();
  if (!key.ok()) return Refuse("issue-workload", Annotate(key.status(), "csr"), details);
  if (key->type() != crypto::KeyType::kP256) {
    return Refuse("issue-workload",
                  absl::InvalidArgumentError(
                      StrCat("csr: key is ", crypto::KeyTypeName(key->type()), ", want P-256")),
                  details);
  }
  req.node_claims = *node_claims;
  req.node_claims.workload_identity.reset();
  req.node_claims.node_serial_hex.reset();
  req.node_claims.manifest_generation.reset();
  req.node_claims.approval_mode.reset();
  req.node_claims.manifest_hash.reset();
  req.node_serial_hex = node_cert.SerialHex();
  req.now = clock_.Now();
  req.lifetime = options_.workload_lifetime;
  absl::StatusOr<crypto::Certificate> cert = ca_->IssueWorkload(*csr, req);
  if (!cert.ok()) return Refuse("issue-workload", Annotate(cert.status(), "csr"), details);
  details["serial"] = cert->SerialHex();
  audit_->Record("issue-workload", "issued", "", details);
  metrics_.Inc("c8s_cds_issued_total", {{"kind", "workload"}});
  metrics_.Observe("c8s_cds_issue_seconds", {{"kind", "workload"}},
                   absl::ToDoubleSeconds(absl::Now() - start));
  return IssuedCert{*cert, ca_->certificate(),
                    req.stamp.mode == crypto::ApprovalMode::kAutomatic
                        ? manifest::ApprovalMode::kAutomatic
                        : manifest::ApprovalMode::kOwner};
}

}  // namespace c8s::cds
