// The manifest reconciler (one key, "manifest"): gather every c8s custom resource from the
// caches -> compile one manifest (compile.h, pure) -> make sure the CDS holds it, pending or
// active (propose only when it does not: after a restart, or when another replica already
// proposed it, nothing is sent twice) -> publish what changed to the status reconciler.
// Proposals wait for the inputs to settle (manifest_state.h ProposeDelay), the CDS is polled
// while a proposal waits for approval, and a failed CDS call is retried after an exponential
// backoff that watch events do not bypass (the status says the CDS is unavailable meanwhile).
//
//   ManifestController mc(&caches, cds.get(), &state, &metrics, options, enqueue_status);
//   kube::Controller c({.name = "manifest"}, [&](const std::string&) { return mc.Reconcile(); });
#pragma once

#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "lib/base/backoff.h"
#include "lib/base/metrics.h"
#include "operator/caches.h"
#include "operator/cds_client.h"
#include "operator/shared_state.h"

namespace c8s::op {

struct ManifestOptions {
  absl::Duration settle = absl::Milliseconds(200);
  absl::Duration max_settle = absl::Seconds(2);
  absl::Duration poll_interval = absl::Seconds(2);     // while a proposal awaits approval
  absl::Duration resync_interval = absl::Seconds(30);  // while the desired manifest is active
  // Between failed CDS calls. Events arriving meanwhile do not bypass it.
  BackoffOptions cds_backoff{absl::Milliseconds(100), absl::Seconds(60), 2.0, 0.2};
};

inline constexpr char kManifestKey[] = "manifest";

class ManifestController {
 public:
  using Notify = std::function<void(const std::string& key)>;
  // `enqueue_status` receives StatusKey()s whose status input changed; `on_event` (may be
  // null) receives Events to record: (status key, type, reason, message).
  ManifestController(Caches* caches, CdsClient* cds, SharedState* state, Metrics* metrics,
                     ManifestOptions options, Notify enqueue_status);

  absl::StatusOr<absl::Duration> Reconcile();

  // An informer delivered an event that can change the manifest, at `arrival`; the latency
  // to the end of the reconcile that covers it is recorded (LatenciesMs()).
  void NoteEvent(absl::Time arrival);
  std::vector<double> LatenciesMs() const;
  int64_t proposals() const;
  int64_t cds_calls() const;  // View and Propose attempts, failed ones included

  std::function<void(const std::string& key, const std::string& type, const std::string& reason,
                     const std::string& message)>
      on_event;

 private:
  struct Gathered;
  Gathered Gather() const;
  void Compile(const Gathered& g, absl::Time now);
  absl::Status SyncWithCds(absl::Time now, absl::Duration* wake);
  absl::Status ReadCds(const std::string& hash, CdsView* view);
  void ApplyView(const CdsView& view);
  void CdsFailed(const absl::Status& status, const char* call);
  void Event(const std::string& type, const std::string& reason, const std::string& message);
  void Publish();

  Caches* caches_;
  CdsClient* cds_;
  SharedState* state_;
  Metrics* metrics_;
  ManifestOptions options_;
  Notify enqueue_status_;

  // Reconcile-thread state (one worker).
  std::string fingerprint_ = {};
  bool compiled_once_ = false;
  std::string desired_hash_ = {};
  std::string acknowledged_hash_ = {};  // the CDS holds it (pending or active)
  absl::Time last_change_ = absl::InfinitePast();
  absl::Time unproposed_since_ = absl::InfiniteFuture();
  absl::Time next_poll_ = absl::InfinitePast();
  std::string active_hash_ = {};
  std::string last_cds_error_ = {};
  std::string managing_cluster_ = {};
  Backoff cds_backoff_;
  absl::Time cds_retry_at_ = absl::InfinitePast();
  std::map<std::string, StatusInput> published_;
  std::map<std::string, std::string> rejected_;  // status key -> message, for Events

  mutable std::mutex mu_;  // guards the fields below
  std::vector<absl::Time> pending_events_;
  std::deque<double> latencies_ms_;
  int64_t proposals_ = 0;
  int64_t cds_calls_ = 0;
};

}  // namespace c8s::op
