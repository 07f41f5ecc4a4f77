#include "cds/grpc_services.h"

#include "lib/attest/report_data.h"
#include "lib/base/status.h"
#include "lib/base/strings.h"
#include "lib/crypto/grpc_tls.h"
#include "lib/manifest/history.h"

namespace c8s::cds {
namespace {

std::string Str(const std::string& s) { return s; }

grpc::ServerUnaryReactor* Done(grpc::CallbackServerContext* ctx, const absl::Status& st) {
  grpc::ServerUnaryReactor* r = ctx->DefaultReactor();
  r->Finish(ToGrpc(st));
  return r;
}

void Fill(const Activation& a, v1::ApproveResponse* resp) {
  resp->set_generation(static_cast<uint64_t>(a.signed_entry.entry.generation));
  resp->set_entry_hash(a.entry_hash);
  resp->set_entry_json(manifest::CanonicalBytes(a.signed_entry.entry).value_or(""));
  resp->set_entry_signature(std::string(a.signed_entry.signature.begin(),
                                        a.signed_entry.signature.end()));
}

}  // namespace

grpc::Status ToGrpc(const absl::Status& st) {
  if (st.ok()) return grpc::Status::OK;
  return grpc::Status(static_cast<grpc::StatusCode>(st.code()), std::string(st.message()));
}

absl::StatusOr<attest::Evidence> FromProto(const v1::Evidence& ev) {
  attest::Evidence out;
  ASSIGN_OR_RETURN(out.platform, ParsePlatform(ev.platform()));
  out.report = ToBytes(ev.report());
  for (const std::string& c : ev.certificates()) out.certs.push_back(ToBytes(c));
  out.auxblob = ToBytes(ev.auxblob());
  return out;
}

void ToProto(const attest::Evidence& ev, v1::Evidence* out) {
  out->set_platform(std::string(attest::PlatformName(ev.platform)));
  out->set_report(std::string(ev.report.begin(), ev.report.end()));
  for (const Bytes& c : ev.certs) out->add_certificates(std::string(c.begin(), c.end()));
  out->set_auxblob(std::string(ev.auxblob.begin(), ev.auxblob.end()));
}

absl::StatusOr<crypto::VerifiedPeer> CallerOf(grpc::CallbackServerContext* ctx,
                                              const crypto::PeerVerifier& verifier) {
  std::shared_ptr<const grpc::AuthContext> auth = ctx->auth_context();
  if (auth == nullptr) return absl::UnauthenticatedError("call has no TLS auth context");
  absl::StatusOr<crypto::VerifiedPeer> peer = crypto::VerifiedPeerOf(*auth, verifier);
  if (!peer.ok()) {
    return absl::UnauthenticatedError(StrCat("caller certificate: ", StatusText(peer.status())));
  }
  return peer;
}

grpc::ServerUnaryReactor* AttestationService::GetAttestation(
    grpc::CallbackServerContext* ctx, const v1::GetAttestationRequest* req,
    v1::GetAttestationResponse* resp) {
  if (req->nonce().size() != 32) {
    return Done(ctx, absl::InvalidArgumentError(
                         StrCat("nonce: ", req->nonce().size(), " bytes, want 32")));
  }
  if (options_.self_evidence == nullptr) {
    return Done(ctx, absl::UnavailableError("this CDS has no evidence provider configured"));
  }
  AttestationInfo info = cds_->Attestation();
  attest::ReportData role =
      attest::CdsRoleBinding(AsBytes(req->nonce()), info.ca_certificate_der,
                             info.sealing_public_key_der);
  attest::ReportData rd = attest::PodReportData(options_.image_digest, options_.pod_ref, role);
  absl::StatusOr<attest::Evidence> ev;
  {
    std::lock_guard lock(mu_);
    ev = options_.self_evidence->GetEvidence(rd);
  }
  if (!ev.ok()) return Done(ctx, Annotate(ev.status(), "own evidence"));
  ToProto(*ev, resp->mutable_evidence());
  resp->set_image_digest(options_.image_digest);
  resp->set_pod_ref(options_.pod_ref);
  resp->set_ca_certificate_der(Str(std::string(info.ca_certificate_der.begin(),
                                               info.ca_certificate_der.end())));
  resp->set_sealing_public_key_der(std::string(info.sealing_public_key_der.begin(),
                                               info.sealing_public_key_der.end()));
  resp->set_claimed(info.claimed);
  resp->set_history_generation(static_cast<uint64_t>(info.generation));
  resp->set_history_head_hash(info.head_hash);
  resp->set_approval_mode(std::string(manifest::ApprovalModeName(info.mode)));
  return Done(ctx, absl::OkStatus());
}

grpc::ServerUnaryReactor* IdentityService::Challenge(grpc::CallbackServerContext* ctx,
                                                     const v1::ChallengeRequest*,
                                                     v1::ChallengeResponse* resp) {
  cds::Challenge c = cds_->NewChallenge();
  resp->set_challenge(std::string(c.token.begin(), c.token.end()));
  resp->set_expires_unix(absl::ToUnixSeconds(c.expires));
  return Done(ctx, absl::OkStatus());
}

grpc::ServerUnaryReactor* IdentityService::IssueNode(grpc::CallbackServerContext* ctx,
                                                     const v1::IssueNodeRequest* req,
                                                     v1::IssueNodeResponse* resp) {
  absl::StatusOr<attest::Evidence> ev = FromProto(req->evidence());
  if (!ev.ok()) return Done(ctx, ev.status());
  NodeJoinInput in{ToBytes(req->csr_der()), std::move(*ev), ToBytes(req->challenge()),
                   req->node_name()};
  absl::StatusOr<IssuedCert> cert =
      cds_->IssueNode(in, {req->node_address(), req->mesh_port()});
  if (!cert.ok()) return Done(ctx, cert.status());
  Bytes der = cert->certificate.ToDer(), ca = cert->ca.ToDer();
  resp->set_certificate_der(std::string(der.begin(), der.end()));
  resp->add_chain_der(std::string(ca.begin(), ca.end()));
  resp->set_not_after_unix(absl::ToUnixSeconds(cert->certificate.NotAfter()));
  resp->set_approval_mode(std::string(manifest::ApprovalModeName(cert->mode)));
  return Done(ctx, absl::OkStatus());
}

grpc::ServerUnaryReactor* IdentityService::IssueWorkload(grpc::CallbackServerContext* ctx,
                                                         const v1::IssueWorkloadRequest* req,
                                                         v1::IssueWorkloadResponse* resp) {
  absl::StatusOr<crypto::VerifiedPeer> caller = CallerOf(ctx, *callers_);
  if (!caller.ok()) return Done(ctx, caller.status());
  absl::StatusOr<IssuedCert> cert =
      cds_->IssueWorkload(AsBytes(req->csr_der()), req->identity(), req->pod_ref(), caller->leaf);
  if (!cert.ok()) return Done(ctx, cert.status());
  Bytes der = cert->certificate.ToDer(), ca = cert->ca.ToDer();
  resp->set_certificate_der(std::string(der.begin(), der.end()));
  resp->add_chain_der(std::string(ca.begin(), ca.end()));
  resp->set_not_after_unix(absl::ToUnixSeconds(cert->certificate.NotAfter()));
  return Done(ctx, absl::OkStatus());
}

grpc::ServerUnaryReactor* ManifestService::Propose(grpc::CallbackServerContext* ctx,
                                                   const v1::ProposeRequest* req,
                                                   v1::ProposeResponse* resp) {
  absl::StatusOr<Proposal> p = cds_->Propose(req->manifest_json());
  if (!p.ok()) return Done(ctx, p.status());
  resp->set_manifest_hash(p->manifest_hash);
  resp->set_state(p->activated ? "Active" : "PendingApproval");
  resp->set_generation(static_cast<uint64_t>(p->generation));
  resp->set_approval_mode(std::string(manifest::ApprovalModeName(p->mode)));
  return Done(ctx, absl::OkStatus());
}

grpc::ServerUnaryReactor* ManifestService::GetPending(grpc::CallbackServerContext* ctx,
                                                      const v1::GetPendingRequest* req,
                                                      v1::GetPendingResponse* resp) {
  absl::StatusOr<PendingView> p = cds_->GetPending(req->manifest_hash());
  if (!p.ok()) return Done(ctx, p.status());
  resp->set_manifest_json(p->canonical_json);
  resp->set_manifest_hash(p->manifest_hash);
  resp->set_next_generation(static_cast<uint64_t>(p->next_generation));
  resp->set_previous_entry_hash(p->previous_entry_hash);
  resp->set_cluster(p->cluster);
  return Done(ctx, absl::OkStatus());
}

grpc::ServerUnaryReactor* ManifestService::Claim(grpc::CallbackServerContext* ctx,
                                                 const v1::ApproveRequest* req,
                                                 v1::ApproveResponse* resp) {
  absl::StatusOr<Activation> a = cds_->Claim(req->manifest_json(), req->statement_json(),
                                             req->owner(), AsBytes(req->signature()));
  if (a.ok()) Fill(*a, resp);
  return Done(ctx, a.status());
}

grpc::ServerUnaryReactor* ManifestService::Approve(grpc::CallbackServerContext* ctx,
                                                   const v1::ApproveRequest* req,
                                                   v1::ApproveResponse* resp) {
  absl::StatusOr<Activation> a =
      cds_->Approve(req->statement_json(), req->owner(), AsBytes(req->signature()));
  if (a.ok()) Fill(*a, resp);
  return Done(ctx, a.status());
}

grpc::ServerUnaryReactor* ManifestService::GetActive(grpc::CallbackServerContext* ctx,
                                                     const v1::GetActiveRequest*,
                                                     v1::GetActiveResponse* resp) {
  absl::StatusOr<ActiveView> a = cds_->GetActive();
  if (!a.ok()) return Done(ctx, a.status());
  resp->set_manifest_json(a->canonical_json);
  resp->set_generation(static_cast<uint64_t>(a->generation));
  resp->set_manifest_hash(a->manifest_hash);
  resp->set_entry_hash(a->entry_hash);
  return Done(ctx, absl::OkStatus());
}

grpc::ServerUnaryReactor* ManifestService::History(grpc::CallbackServerContext* ctx,
                                                   const v1::HistoryRequest* req,
                                                   v1::HistoryResponse* resp) {
  for (const manifest::SignedHistoryEntry& e :
       cds_->History(static_cast<int64_t>(req->from_generation()))) {
    v1::SignedEntry* out = resp->add_entries();
    out->set_entry_json(manifest::CanonicalBytes(e.entry).value_or(""));
    out->set_signature(std::string(e.signature.begin(), e.signature.end()));
  }
  return Done(ctx, absl::OkStatus());
}

}  // namespace c8s::cds
