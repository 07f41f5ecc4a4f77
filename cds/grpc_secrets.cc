// Secrets.Release (mTLS with a workload certificate) and the Recovery service.
#include "cds/grpc_services.h"
#include "lib/base/status.h"
#include "lib/base/strings.h"

namespace c8s::cds {
namespace {

grpc::ServerUnaryReactor* Done(grpc::CallbackServerContext* ctx, const absl::Status& st) {
  grpc::ServerUnaryReactor* r = ctx->DefaultReactor();
  r->Finish(ToGrpc(st));
  return r;
}

}  // namespace

grpc::ServerUnaryReactor* SecretsService::Release(grpc::CallbackServerContext* ctx,
                                                  const v1::ReleaseRequest* req,
                                                  v1::ReleaseResponse* resp) {
  absl::StatusOr<std::shared_ptr<Cds>> cds = OpenCds(rt_);
  if (!cds.ok()) return Done(ctx, cds.status());
  absl::StatusOr<crypto::VerifiedPeer> caller = CallerOf(ctx, *callers_);
  if (!caller.ok()) return Done(ctx, caller.status());
  if (req->version() > static_cast<uint64_t>(INT64_MAX)) {
    return Done(ctx, absl::InvalidArgumentError("version out of range"));
  }
  absl::StatusOr<ReleasedSecret> s =
      (*cds)->Release(req->ref(), static_cast<int64_t>(req->version()), caller->leaf);
  if (!s.ok()) return Done(ctx, s.status());
  resp->set_value(ToWire(s->value));
  resp->set_version(static_cast<uint64_t>(s->version));
  resp->set_source(s->source);
  return Done(ctx, absl::OkStatus());
}

grpc::ServerUnaryReactor* RecoveryService::GetRecoveryChallenge(
    grpc::CallbackServerContext* ctx, const v1::RecoveryChallengeRequest* req,
    v1::RecoveryChallengeResponse* resp) {
  absl::StatusOr<RecoveryChallenge> c = rt_->GetRecoveryChallenge(AsBytes(req->nonce()));
  if (!c.ok()) return Done(ctx, c.status());
  ToProto(c->evidence.evidence, resp->mutable_evidence());
  resp->set_image_digest(c->evidence.image_digest);
  resp->set_pod_ref(c->evidence.pod_ref);
  resp->set_recipient_public_key(ToWire(c->recipient_public_key));
  if (c->record.has_value()) {
    resp->set_cluster(c->record->cluster);
    resp->set_envelopes_generation(static_cast<uint64_t>(c->record->generation));
    for (const RecoveryEnvelope& e : c->record->envelopes) {
      v1::RecoveryEnvelope* out = resp->add_envelopes();
      out->set_key_name(e.key_name);
      out->set_public_key_pem(e.public_key_pem);
      out->set_enc(ToWire(e.enc));
      out->set_ciphertext(ToWire(e.ciphertext));
    }
  }
  return Done(ctx, absl::OkStatus());
}

grpc::ServerUnaryReactor* RecoveryService::Recover(grpc::CallbackServerContext* ctx,
                                                   const v1::RecoverRequest* req,
                                                   v1::RecoverResponse* resp) {
  std::vector<StoredObject> restore;
  for (const v1::StoredObject& o : req->restore()) restore.push_back({o.name(), ToBytes(o.blob())});
  absl::StatusOr<RecoverResult> r =
      rt_->Recover({ToBytes(req->seed_enc()), ToBytes(req->seed_ciphertext())}, restore);
  if (!r.ok()) return Done(ctx, r.status());
  resp->set_history_generation(static_cast<uint64_t>(r->generation));
  resp->set_history_head_hash(r->head_hash);
  return Done(ctx, absl::OkStatus());
}

grpc::ServerUnaryReactor* RecoveryService::Backup(grpc::CallbackServerContext* ctx,
                                                  const v1::BackupRequest*,
                                                  v1::BackupResponse* resp) {
  absl::StatusOr<std::vector<StoredObject>> objects = rt_->ExportBackup();
  if (!objects.ok()) return Done(ctx, objects.status());
  for (const StoredObject& o : *objects) {
    v1::StoredObject* out = resp->add_objects();
    out->set_name(o.name);
    out->set_blob(ToWire(o.blob));
  }
  return Done(ctx, absl::OkStatus());
}

}  // namespace c8s::cds
