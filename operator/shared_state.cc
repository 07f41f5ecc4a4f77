#include "operator/shared_state.h"

namespace c8s::op {

std::optional<ClusterStatusInput> SharedState::ClusterInput(const std::string& name,
                                                            int64_t generation) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto w = workloads_.find(name);
  if (w == workloads_.end()) return std::nullopt;
  ClusterStatusInput in;
  in.workloads_applied = w->second.applied;
  in.workloads_error = w->second.error;
  in.superseded_by = w->second.superseded_by;
  in.cds_reached = manifest_.cds_reached;
  if (!in.superseded_by.empty()) {
    in.manifest.generation = generation;
    return in;
  }
  auto compiled = manifest_.objects.find(StatusKey(Kind::kCluster, name));
  if (compiled == manifest_.objects.end() || compiled->second.generation != generation) {
    return std::nullopt;
  }
  in.manifest = ClusterManifestInput(manifest_, generation);
  return in;
}

bool SharedState::SetWorkloads(const std::string& cluster, WorkloadsOutcome outcome) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = workloads_.find(cluster);
  if (it != workloads_.end() && it->second == outcome) return false;
  workloads_[cluster] = std::move(outcome);
  return true;
}

void SharedState::ForgetWorkloads(const std::string& cluster) {
  std::lock_guard<std::mutex> lock(mu_);
  workloads_.erase(cluster);
}

}  // namespace c8s::op
