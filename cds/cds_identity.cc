// Cds: challenges and node certificates (ARCHITECTURE.md §3.3).
#include "absl/time/clock.h"
#include "cds/cds.h"
#include "cds/node_policy.h"
#include "lib/base/log.h"
#include "lib/base/status.h"
#include "lib/base/strings.h"

namespace c8s::cds {

absl::StatusOr<Challenge> Cds::NewChallenge(std::string_view peer) {
  if (absl::Status st = challenge_limiter_.Admit("Challenge", peer); !st.ok()) {
    metrics_.Inc("c8s_cds_refusals_total", {{"event", "challenge"}, {"reason", "rate_limit"}});
    return st;
  }
  metrics_.Inc("c8s_cds_challenges_total");
  return challenges_.Issue();
}

absl::StatusOr<IssuedCert> Cds::IssueNode(const NodeJoinInput& in, const NodeEndpoint& endpoint,
                                          std::string_view peer) {
  absl::Time start = absl::Now();
  nlohmann::json details = {{"node", in.node_name}};
  if (absl::Status st = issue_node_limiter_.Admit("IssueNode", peer); !st.ok()) {
    // Counted, not audited line by line: a flood must not flood the audit log too.
    metrics_.Inc("c8s_cds_refusals_total", {{"event", "issue-node"}, {"reason", "rate_limit"}});
    return st;
  }
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
    const attest::AttestationPolicy* p = NodePolicyAtLocked(log_->generation());
    if (p == nullptr) {
      return Refuse("issue-node",
                    RolePolicy(*active->manifest, active->manifest->roles.nodes).status(), details);
    }
    policy = *p;
    ctx.policy_name = active->manifest->roles.nodes;
    stamp = StampLocked();
    trust_domain = active->manifest->trust_domain;
  }
  ctx.policy = &policy;
  ctx.challenges = &challenges_;
  ctx.evidence.simulated_roots = options_.simulated_roots;
  ctx.evidence.chain_cache = &chain_cache_;
  ctx.evidence.tdx_collateral = options_.tdx_collateral ? &*options_.tdx_collateral : nullptr;
  ctx.evidence.assurance = options_.assurance;
  ctx.evidence.now = clock_.Now();
  absl::StatusOr<VerifiedNodeJoin> v = VerifyNodeJoin(in, ctx);
  if (!v.ok()) return Refuse("issue-node", v.status(), details);
  NodeCertRequest req{in.node_name, trust_domain,     v->claims,
                      stamp,        ctx.evidence.now, options_.node_lifetime};
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
  Recorded({cert->SerialHex(), IssuedKind::kNode, in.node_name, "", "", cert->NotAfter(), v->claims,
            endpoint.address, endpoint.mesh_port});
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

}  // namespace c8s::cds
