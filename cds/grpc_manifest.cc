// Manifest service: reads from this replica, writes through the WriteRouter (the leader).
#include "cds/grpc_services.h"
#include "lib/base/status.h"
#include "lib/manifest/history.h"

namespace c8s::cds {
namespace {

grpc::ServerUnaryReactor* Done(grpc::CallbackServerContext* ctx, const absl::Status& st) {
  grpc::ServerUnaryReactor* r = ctx->DefaultReactor();
  r->Finish(ToGrpc(st));
  return r;
}

void Fill(const Activation& a, v1::ApproveResponse* resp) {
  resp->set_generation(static_cast<uint64_t>(a.signed_entry.entry.generation));
  resp->set_entry_hash(a.entry_hash);
  resp->set_entry_json(manifest::CanonicalBytes(a.signed_entry.entry).value_or(""));
  resp->set_entry_signature(ToWire(a.signed_entry.signature));
}

}  // namespace

grpc::ServerUnaryReactor* ManifestService::Propose(grpc::CallbackServerContext* ctx,
                                                   const v1::ProposeRequest* req,
                                                   v1::ProposeResponse* resp) {
  if (absl::StatusOr<std::shared_ptr<Cds>> cds = OpenCds(rt_); !cds.ok()) {
    return Done(ctx, cds.status());
  }
  absl::StatusOr<Proposal> p = writes_->Propose(req->manifest_json());
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
  absl::StatusOr<std::shared_ptr<Cds>> cds = OpenCds(rt_);
  if (!cds.ok()) return Done(ctx, cds.status());
  absl::StatusOr<PendingView> p = (*cds)->GetPending(req->manifest_hash());
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
  if (absl::StatusOr<std::shared_ptr<Cds>> cds = OpenCds(rt_); !cds.ok()) {
    return Done(ctx, cds.status());
  }
  absl::StatusOr<Activation> a = writes_->Claim(req->manifest_json(), req->statement_json(),
                                                req->owner(), AsBytes(req->signature()));
  if (a.ok()) Fill(*a, resp);
  return Done(ctx, a.status());
}

grpc::ServerUnaryReactor* ManifestService::Approve(grpc::CallbackServerContext* ctx,
                                                   const v1::ApproveRequest* req,
                                                   v1::ApproveResponse* resp) {
  if (absl::StatusOr<std::shared_ptr<Cds>> cds = OpenCds(rt_); !cds.ok()) {
    return Done(ctx, cds.status());
  }
  absl::StatusOr<Activation> a =
      writes_->Approve(req->statement_json(), req->owner(), AsBytes(req->signature()));
  if (a.ok()) Fill(*a, resp);
  return Done(ctx, a.status());
}

grpc::ServerUnaryReactor* ManifestService::GetActive(grpc::CallbackServerContext* ctx,
                                                     const v1::GetActiveRequest*,
                                                     v1::GetActiveResponse* resp) {
  absl::StatusOr<std::shared_ptr<Cds>> cds = OpenCds(rt_);
  if (!cds.ok()) return Done(ctx, cds.status());
  absl::StatusOr<ActiveView> a = (*cds)->GetActive();
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
  absl::StatusOr<std::shared_ptr<Cds>> cds = OpenCds(rt_);
  if (!cds.ok()) return Done(ctx, cds.status());
  for (const manifest::SignedHistoryEntry& e :
       (*cds)->History(static_cast<int64_t>(req->from_generation()))) {
    v1::SignedEntry* out = resp->add_entries();
    out->set_entry_json(manifest::CanonicalBytes(e.entry).value_or(""));
    out->set_signature(ToWire(e.signature));
  }
  return Done(ctx, absl::OkStatus());
}

}  // namespace c8s::cds
