// Cds: workload certificates for identities of the active manifest, requested by a node
// agent over mTLS with its node certificate (ARCHITECTURE.md §3.4).
#include "absl/time/clock.h"
#include "cds/carried_claims.h"
#include "cds/cds.h"
#include "lib/base/status.h"
#include "lib/base/strings.h"

namespace c8s::cds {
namespace {

std::string JoinFailures(const std::vector<std::string>& failures) {
  std::string out;
  for (const std::string& f : failures) out += (out.empty() ? "" : "; ") + f;
  return out;
}

}  // namespace

absl::StatusOr<IssuedCert> Cds::IssueWorkload(
    ByteSpan csr_der, std::string_view identity, std::string_view pod_ref,
    const crypto::Certificate& node_cert,
    const std::optional<crypto::C8sClaimsExtension>& known_claims) {
  absl::Time start = absl::Now();
  std::string node_serial = node_cert.SerialHex();
  nlohmann::json details = {{"identity", std::string(identity)},
                            {"pod", std::string(pod_ref)},
                            {"nodeSerial", node_serial}};
  absl::StatusOr<crypto::C8sClaimsExtension> node_claims =
      known_claims.has_value() ? *known_claims : crypto::ReadC8sClaims(node_cert);
  if (!node_claims.ok()) return Refuse("issue-workload", node_claims.status(), details);
  if (!node_claims->node_name.has_value() || node_claims->workload_identity.has_value() ||
      !node_claims->measurement_hex.has_value()) {
    return Refuse("issue-workload",
                  absl::PermissionDeniedError(
                      "caller certificate is not a node certificate (no node claims)"),
                  details);
  }
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
                    absl::PermissionDeniedError(StrCat("identity \"", identity,
                                                       "\" is not defined by the active manifest ",
                                                       "(generation ", log_->generation(), ")")),
                    details);
    }
    if (revoked_set_.count(node_serial) != 0) {
      return Refuse(
          "issue-workload",
          absl::PermissionDeniedError(StrCat("node certificate ", node_serial, " is revoked")),
          details);
    }
    // The node's carried claims against today's node policy; what the certificate does not
    // carry must follow from the policy the node was admitted under.
    int64_t admitted_at = node_claims->manifest_generation.value_or(0);
    const attest::AttestationPolicy* now_policy = NodePolicyAtLocked(log_->generation());
    const attest::AttestationPolicy* admitted = NodePolicyAtLocked(admitted_at);
    if (now_policy == nullptr) {
      return Refuse("issue-workload",
                    absl::FailedPreconditionError("active manifest has no node policy"), details);
    }
    if (admitted_at != log_->generation()) {
      attest::PolicyResult r = EvaluateCarried(
          *now_policy, *node_claims, admitted,
          StrCat("the node policy of generation ", admitted_at, " (the node's admission)"));
      if (!r.ok) {
        return Refuse("issue-workload",
                      absl::PermissionDeniedError(
                          StrCat("node ", *node_claims->node_name, " no longer satisfies node ",
                                 "policy \"", active->manifest->roles.nodes, "\" (re-join ",
                                 "with fresh evidence): ", JoinFailures(r.failures))),
                      details);
      }
    }
    req.identity = std::string(identity);
    req.trust_domain = active->manifest->trust_domain;
    req.dns_names = id->dns_names;
    req.stamp = StampLocked();
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
  req.node_serial_hex = node_serial;
  req.now = clock_.Now();
  req.lifetime = options_.workload_lifetime;
  absl::StatusOr<crypto::Certificate> cert = ca_->IssueWorkload(*csr, req);
  if (!cert.ok()) return Refuse("issue-workload", Annotate(cert.status(), "csr"), details);
  details["serial"] = cert->SerialHex();
  audit_->Record("issue-workload", "issued", "", details);
  metrics_.Inc("c8s_cds_issued_total", {{"kind", "workload"}});
  metrics_.Observe("c8s_cds_issue_seconds", {{"kind", "workload"}},
                   absl::ToDoubleSeconds(absl::Now() - start));
  Recorded({cert->SerialHex(), IssuedKind::kWorkload, *node_claims->node_name, req.identity,
            node_serial, cert->NotAfter(), std::nullopt, "", 0});
  return IssuedCert{*cert, ca_->certificate(),
                    req.stamp.mode == crypto::ApprovalMode::kAutomatic
                        ? manifest::ApprovalMode::kAutomatic
                        : manifest::ApprovalMode::kOwner};
}

}  // namespace c8s::cds
