// Everything the leader runs: the informer caches, the reconcilers (cluster, manifest and its
// proposal step, status) on their work queues, and the event handlers that connect them. Created
// when leadership is won, stopped and destroyed when it is lost; nothing survives a term but what
// the API server and the CDS hold, so a new leader converges from scratch.
//
//   Controllers c(client, cds, &metrics, options);
//   c.Start();        // caches first; workers only once every cache has synced
//   ...; c.Stop();
#pragma once

#include <atomic>
#include <memory>
#include <thread>

#include "lib/base/metrics.h"
#include "lib/kube/controller.h"
#include "lib/kube/events.h"
#include "operator/caches.h"
#include "operator/cluster_controller.h"
#include "operator/manifest_controller.h"
#include "operator/status_controller.h"

namespace c8s::op {

struct ControllersOptions {
  ManifestOptions manifest = {};
  int status_workers = 4;
  absl::Duration max_retry_delay = absl::Seconds(60);  // per-key backoff cap of the queues
  absl::Duration sync_timeout = absl::Seconds(120);
  std::string identity = "c8s-operator";  // Events' reportingInstance
  bool record_events = true;
};

class Controllers {
 public:
  Controllers(kube::Client* client, CdsClient* cds, Metrics* metrics, ControllersOptions options);
  ~Controllers();
  // Returns at once; a starter thread waits for the caches, then starts the workers.
  void Start();
  void Stop();
  bool synced() const { return synced_.load(); }
  ManifestController& manifest() { return manifest_; }

 private:
  void Wire();
  void RecordEvent(const std::string& key, const std::string& type, const std::string& reason,
                   const std::string& message);

  Metrics* metrics_;
  ControllersOptions options_;
  Caches caches_;
  SharedState state_;
  kube::EventRecorder events_;
  ManifestController manifest_;
  StatusController status_;
  ClusterController cluster_;
  std::unique_ptr<kube::Controller> manifest_ctl_, propose_ctl_, status_ctl_, cluster_ctl_;
  std::atomic<bool> synced_{false}, stopping_{false};
  std::thread starter_;
};

}  // namespace c8s::op
