// The in-memory state the operator's reconcilers share: the manifest reconciler's last
// ManifestState and each ConfidentialCluster's workloads outcome. Only decisions live here;
// every object comes from the informer caches. Thread-safe; readers get copies of what they
// need, computed under the lock (ObjectStatusInput and friends are pure).
//
//   state.UpdateManifest([&](ManifestState& m) { m.cds_error = ""; });
//   std::optional<StatusInput> in = state.ObjectInput(Kind::kIdentity, "shop/api", 3);
#pragma once

#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "operator/manifest_state.h"

namespace c8s::op {

struct WorkloadsOutcome {
  bool applied = false;
  std::string error = {};
  std::string superseded_by = {};
  bool operator==(const WorkloadsOutcome&) const = default;
};

class SharedState {
 public:
  void UpdateManifest(const std::function<void(ManifestState&)>& edit) {
    std::lock_guard<std::mutex> lock(mu_);
    edit(manifest_);
  }
  void ReadManifest(const std::function<void(const ManifestState&)>& read) const {
    std::lock_guard<std::mutex> lock(mu_);
    read(manifest_);
  }
  std::optional<StatusInput> ObjectInput(Kind kind, const std::string& ref,
                                         int64_t generation) const {
    std::lock_guard<std::mutex> lock(mu_);
    return ObjectStatusInput(manifest_, kind, ref, generation);
  }
  // nullopt while this generation of the cluster has not been compiled and applied.
  std::optional<ClusterStatusInput> ClusterInput(const std::string& name, int64_t generation) const;

  // True when the outcome changed.
  bool SetWorkloads(const std::string& cluster, WorkloadsOutcome outcome);
  void ForgetWorkloads(const std::string& cluster);

 private:
  mutable std::mutex mu_;
  ManifestState manifest_;
  std::map<std::string, WorkloadsOutcome> workloads_;
};

}  // namespace c8s::op
