// Policy.Watch on the callback API: a reactor per stream, bounded in number, coalescing to
// the newest bundle.
#include "cds/grpc_services.h"
#include "lib/base/log.h"
#include "lib/base/strings.h"

namespace c8s::cds {

class WatchReactor : public grpc::ServerWriteReactor<v1::SignedBundle> {
 public:
  // Every stream starts with the current bundle, whatever generation the agent knows: node
  // addresses change within a generation, and agents refuse lower generations themselves.
  WatchReactor(std::shared_ptr<Cds> cds, PolicyService* service)
      : cds_(std::move(cds)), service_(service) {}

  // A new bundle may exist: write it now, or after the write in flight completes.
  void Wake() {
    std::lock_guard lock(mu_);
    if (finished_) return;
    if (writing_) {
      dirty_ = true;
      return;
    }
    WriteLatestLocked();
  }

  void Close(const grpc::Status& st) {
    std::lock_guard lock(mu_);
    if (!finished_) {
      finished_ = true;
      Finish(st);
    }
  }

  void OnWriteDone(bool ok) override {
    std::lock_guard lock(mu_);
    writing_ = false;
    if (!ok) {
      if (!finished_) {
        finished_ = true;
        Finish(grpc::Status(grpc::StatusCode::UNAVAILABLE, "write failed"));
      }
      return;
    }
    if (dirty_ && !finished_) WriteLatestLocked();
  }

  void OnCancel() override { Close(grpc::Status::CANCELLED); }

  void OnDone() override {
    service_->Remove(this);
    delete this;
  }

 private:
  void WriteLatestLocked() {
    dirty_ = false;
    if (cds_ == nullptr) return;
    absl::StatusOr<SignedBundleView> b = cds_->CurrentBundle();
    if (!b.ok()) return;  // unclaimed: nothing to send until the claim wakes us
    if (b->version == sent_version_) return;
    sent_version_ = b->version;
    out_.set_signed_bundle_json(b->signed_json);
    out_.set_generation(static_cast<uint64_t>(b->generation));
    writing_ = true;
    StartWrite(&out_);
  }

  std::shared_ptr<Cds> cds_;
  PolicyService* service_;
  std::mutex mu_;
  bool writing_ = false, dirty_ = false, finished_ = false;
  uint64_t sent_version_ = 0;
  v1::SignedBundle out_;
};

PolicyService::PolicyService(CdsRuntime* rt, std::shared_ptr<const crypto::PeerVerifier> callers,
                             size_t max_streams)
    : rt_(rt), callers_(std::move(callers)), max_streams_(max_streams) {}

grpc::ServerWriteReactor<v1::SignedBundle>* PolicyService::Watch(grpc::CallbackServerContext* ctx,
                                                                 const v1::WatchRequest*) {
  absl::StatusOr<std::shared_ptr<Cds>> cds = OpenCds(rt_);
  auto* r = new WatchReactor(cds.ok() ? *cds : nullptr, this);
  absl::StatusOr<crypto::VerifiedPeer> caller =
      cds.ok() ? CallerOf(ctx, *callers_) : absl::StatusOr<crypto::VerifiedPeer>(cds.status());
  {
    std::lock_guard lock(mu_);
    streams_.insert(r);
    if (closing_) {
      r->Close(grpc::Status(grpc::StatusCode::UNAVAILABLE, "shutting down"));
      return r;
    }
    if (streams_.size() > max_streams_) {
      r->Close(grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED,
                            StrCat("watch streams: limit ", max_streams_, " reached")));
      if (cds.ok()) {
        (*cds)->metrics().Inc("c8s_cds_refusals_total",
                              {{"event", "watch"}, {"reason", "watch_streams_limit"}});
      }
      return r;
    }
  }
  if (!caller.ok()) {
    r->Close(ToGrpc(caller.status()));
    return r;
  }
  r->Wake();
  return r;
}

void PolicyService::NotifyAll() {
  std::lock_guard lock(mu_);
  for (WatchReactor* r : streams_) r->Wake();
}

void PolicyService::FinishAll() {
  std::lock_guard lock(mu_);
  closing_ = true;
  for (WatchReactor* r : streams_)
    r->Close(grpc::Status(grpc::StatusCode::UNAVAILABLE, "CDS shutting down"));
}

void PolicyService::Remove(WatchReactor* r) {
  std::lock_guard lock(mu_);
  streams_.erase(r);
}

size_t PolicyService::streams() const {
  std::lock_guard lock(mu_);
  return streams_.size();
}

}  // namespace c8s::cds
