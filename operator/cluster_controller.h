// The ConfidentialCluster reconciler (keys: cluster names): gather the cluster and the owned
// objects from the caches -> DesiredWorkloads (workloads.h, pure) -> create what is missing,
// merge-patch what drifted (only the fields the operator sets), delete owned objects that are
// no longer desired -> record the outcome for the cluster's status.
//
// Finalizer c8s.dev/teardown: a deleted ConfidentialCluster stays until the operator has
// deleted its owned workloads. A real API server's garbage collector deletes dependents
// asynchronously after the owner is gone, and a ConfidentialCluster re-created meanwhile under
// the same name would find (and adopt) workloads that the collector is about to delete.
//
//   ClusterController cc(client, &caches, &state, &metrics, enqueue_status);
//   kube::Controller c({.name = "cluster"}, [&](const std::string& k) { return cc.Reconcile(k); });
#pragma once

#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "lib/base/metrics.h"
#include "lib/kube/client.h"
#include "operator/caches.h"
#include "operator/shared_state.h"

namespace c8s::op {

class ClusterController {
 public:
  ClusterController(kube::Client* client, Caches* caches, SharedState* state, Metrics* metrics,
                    std::function<void(const std::string&)> enqueue_status)
      : client_(client),
        caches_(caches),
        state_(state),
        metrics_(metrics),
        enqueue_status_(std::move(enqueue_status)) {}

  absl::StatusOr<absl::Duration> Reconcile(const std::string& name);

 private:
  absl::StatusOr<absl::Duration> TearDown(const nlohmann::json& cluster);
  absl::Status SetFinalizer(const nlohmann::json& cluster, bool present);
  // One desired object: create or patch; true when it was written.
  absl::StatusOr<bool> Apply(const kube::Resource& r, const nlohmann::json& desired);
  void Record(const std::string& name, WorkloadsOutcome outcome);

  kube::Client* client_;
  Caches* caches_;
  SharedState* state_;
  Metrics* metrics_;
  std::function<void(const std::string&)> enqueue_status_;
};

// Whether the object's metadata.finalizers holds `finalizer`.
bool HasFinalizer(const nlohmann::json& obj, const std::string& finalizer);

}  // namespace c8s::op
