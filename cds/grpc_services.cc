#include "cds/grpc_services.h"

#include "cds/attestation.h"
#include "cds/rate_limit.h"
#include "lib/base/status.h"
#include "lib/base/strings.h"
#include "lib/crypto/grpc_tls.h"

namespace c8s::cds {
namespace {

grpc::ServerUnaryReactor* Done(grpc::CallbackServerContext* ctx, const absl::Status& st) {
  grpc::ServerUnaryReactor* r = ctx->DefaultReactor();
  r->Finish(ToGrpc(st));
  return r;
}

}  // namespace

std::string ToWire(ByteSpan b) { return std::string(AsChars(b)); }

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
  out->set_report(ToWire(ev.report));
  for (const Bytes& c : ev.certs) out->add_certificates(ToWire(c));
  out->set_auxblob(ToWire(ev.auxblob));
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

absl::StatusOr<std::shared_ptr<Cds>> OpenCds(CdsRuntime* rt) {
  std::shared_ptr<Cds> cds = rt->cds();
  if (cds == nullptr) {
    return absl::UnavailableError(
        "sealed: this CDS has no seed yet (waiting for a replica or Recovery.Recover)");
  }
  return cds;
}

grpc::ServerUnaryReactor* AttestationService::GetAttestation(grpc::CallbackServerContext* ctx,
                                                             const v1::GetAttestationRequest* req,
                                                             v1::GetAttestationResponse* resp) {
  absl::StatusOr<std::shared_ptr<Cds>> cds = OpenCds(rt_);
  if (!cds.ok()) return Done(ctx, cds.status());
  absl::StatusOr<AttestationAnswer> a =
      Attest(**cds, rt_->config().evidence, AsBytes(req->nonce()));
  if (!a.ok()) return Done(ctx, a.status());
  ToProto(a->evidence.evidence, resp->mutable_evidence());
  resp->set_image_digest(a->evidence.image_digest);
  resp->set_pod_ref(a->evidence.pod_ref);
  resp->set_ca_certificate_der(ToWire(a->info.ca_certificate_der));
  resp->set_sealing_public_key_der(ToWire(a->info.sealing_public_key_der));
  resp->set_claimed(a->info.claimed);
  resp->set_history_generation(static_cast<uint64_t>(a->info.generation));
  resp->set_history_head_hash(a->info.head_hash);
  resp->set_approval_mode(std::string(manifest::ApprovalModeName(a->info.mode)));
  return Done(ctx, absl::OkStatus());
}

grpc::ServerUnaryReactor* IdentityService::Challenge(grpc::CallbackServerContext* ctx,
                                                     const v1::ChallengeRequest*,
                                                     v1::ChallengeResponse* resp) {
  absl::StatusOr<std::shared_ptr<Cds>> cds = OpenCds(rt_);
  if (!cds.ok()) return Done(ctx, cds.status());
  absl::StatusOr<cds::Challenge> c = (*cds)->NewChallenge(PeerAddress(ctx->peer()));
  if (!c.ok()) return Done(ctx, c.status());
  resp->set_challenge(ToWire(c->token));
  resp->set_expires_unix(absl::ToUnixSeconds(c->expires));
  return Done(ctx, absl::OkStatus());
}

grpc::ServerUnaryReactor* IdentityService::IssueNode(grpc::CallbackServerContext* ctx,
                                                     const v1::IssueNodeRequest* req,
                                                     v1::IssueNodeResponse* resp) {
  absl::StatusOr<std::shared_ptr<Cds>> cds = OpenCds(rt_);
  if (!cds.ok()) return Done(ctx, cds.status());
  absl::StatusOr<attest::Evidence> ev = FromProto(req->evidence());
  if (!ev.ok()) return Done(ctx, ev.status());
  NodeJoinInput in{ToBytes(req->csr_der()), std::move(*ev), ToBytes(req->challenge()),
                   req->node_name()};
  absl::StatusOr<IssuedCert> cert =
      (*cds)->IssueNode(in, {req->node_address(), req->mesh_port()}, PeerAddress(ctx->peer()));
  if (!cert.ok()) return Done(ctx, cert.status());
  resp->set_certificate_der(ToWire(cert->certificate.ToDer()));
  resp->add_chain_der(ToWire(cert->ca.ToDer()));
  resp->set_not_after_unix(absl::ToUnixSeconds(cert->certificate.NotAfter()));
  resp->set_approval_mode(std::string(manifest::ApprovalModeName(cert->mode)));
  return Done(ctx, absl::OkStatus());
}

grpc::ServerUnaryReactor* IdentityService::IssueWorkload(grpc::CallbackServerContext* ctx,
                                                         const v1::IssueWorkloadRequest* req,
                                                         v1::IssueWorkloadResponse* resp) {
  absl::StatusOr<std::shared_ptr<Cds>> cds = OpenCds(rt_);
  if (!cds.ok()) return Done(ctx, cds.status());
  absl::StatusOr<crypto::VerifiedPeer> caller = CallerOf(ctx, *callers_);
  if (!caller.ok()) return Done(ctx, caller.status());
  absl::StatusOr<IssuedCert> cert =
      (*cds)->IssueWorkload(AsBytes(req->csr_der()), req->identity(), req->pod_ref(), caller->leaf,
                            caller->claims);
  if (!cert.ok()) return Done(ctx, cert.status());
  resp->set_certificate_der(ToWire(cert->certificate.ToDer()));
  resp->add_chain_der(ToWire(cert->ca.ToDer()));
  resp->set_not_after_unix(absl::ToUnixSeconds(cert->certificate.NotAfter()));
  return Done(ctx, absl::OkStatus());
}

}  // namespace c8s::cds
