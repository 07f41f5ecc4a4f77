// The manifest reconciler, in two steps on two work queues:
//
//  * "manifest" (every watch event of a c8s kind): gather the objects from the caches and
//    convert the new or changed ones into manifest entries (compile.h step 1, kept per
//    uid + generation), then schedule the proposal step. O(changed objects) plus a scan of
//    the caches' metadata, so a burst of events never waits behind whole-manifest work.
//  * "propose" (once the inputs have settled, manifest_state.h ProposeDelay): compile the
//    whole manifest from those entries (step 2: validate, canonicalize, hash), make sure the
//    CDS holds it, pending or active (proposing only when it does not: after a restart, or
//    when another replica already proposed it, nothing is sent twice), poll the CDS while it
//    waits for approval, and publish what changed to the status reconciler. A failed CDS
//    call is retried after an exponential backoff that watch events do not bypass.
//
//   ManifestController mc(&caches, cds.get(), &state, &metrics, options, enqueue_status,
//                         schedule_propose);
//   kube::Controller events({.name = "manifest"}, [&](auto&) { return mc.Reconcile(); });
//   kube::Controller propose({.name = "propose"}, [&](auto&) { return mc.ReconcileProposal(); });
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
#include "operator/compile.h"
#include "operator/shared_state.h"

namespace c8s::op {

struct ManifestOptions {
  absl::Duration settle = absl::Milliseconds(200);
  absl::Duration max_settle = absl::Seconds(2);
  absl::Duration poll_interval = absl::Seconds(2);     // while a proposal awaits approval
  absl::Duration resync_interval = absl::Seconds(30);  // while the desired manifest is active
  // Between failed CDS calls. Events arriving meanwhile do not bypass it.
  BackoffOptions cds_backoff{absl::Milliseconds(100), absl::Seconds(60), 2.0, 0.2};
  // After each successful Propose (benchmarks, tests): the hash and how many identities.
  std::function<void(const std::string& hash, size_t identities)> on_proposed = nullptr;
};

inline constexpr char kManifestKey[] = "manifest";
inline constexpr char kProposeKey[] = "propose";

class ManifestController {
 public:
  using Notify = std::function<void(const std::string& key)>;
  // `enqueue_status` receives StatusKey()s whose status input changed; `schedule_propose`
  // asks for ReconcileProposal() after the given delay.
  ManifestController(Caches* caches, CdsClient* cds, SharedState* state, Metrics* metrics,
                     ManifestOptions options, Notify enqueue_status,
                     std::function<void(absl::Duration)> schedule_propose);

  absl::StatusOr<absl::Duration> Reconcile();
  absl::StatusOr<absl::Duration> ReconcileProposal();

  // An informer delivered an event that can change the manifest, at `arrival`; the latency
  // to the end of the Reconcile() that covers it is recorded (LatenciesMs()).
  void NoteEvent(absl::Time arrival);
  std::vector<double> LatenciesMs() const;
  int64_t proposals() const;
  int64_t cds_calls() const;  // View and Propose attempts, failed ones included

  // Events to record: (status key, type, reason, message). May be null.
  std::function<void(const std::string& key, const std::string& type, const std::string& reason,
                     const std::string& message)>
      on_event;

 private:
  struct Cached {
    std::string uid;
    int64_t generation = 0;
    std::shared_ptr<const manifest::Identity> identity;
    std::shared_ptr<const manifest::Secret> secret;
    std::shared_ptr<const manifest::Ingress> ingress;
  };
  struct Inputs {  // what Reconcile() gathered, for ReconcileProposal()
    CompileParts parts;
    std::map<std::string, int64_t> generations;  // status key -> generation
    std::string managing;                        // the ConfidentialCluster compiled
    uint64_t version = 0;                        // bumped whenever the inputs change
  };

  void Compile(const Inputs& in);
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
  std::function<void(absl::Duration)> schedule_propose_;

  // Reconcile() only (one worker).
  std::map<std::string, Cached> converted_;  // status key -> entry
  std::string fingerprint_;

  // Shared by both steps.
  mutable std::mutex inputs_mu_;
  Inputs inputs_;
  absl::Time last_change_ = absl::InfinitePast();
  absl::Time unproposed_since_ = absl::InfiniteFuture();  // first change not yet compiled

  // ReconcileProposal() only (one worker).
  uint64_t compiled_version_ = 0;
  std::string desired_hash_ = {};
  std::string acknowledged_hash_ = {};  // the CDS holds it (pending or active)
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
