// What the node agent admitted, and the policy it admits against. The NRI plugin records an
// admission when it allows a CreateContainer; the OCI createRuntime hook gate and the pod-facing
// API look it up by container ID; the containerd task-event detector flags containers that run
// without one. Shared by node-agent/nri, node-agent/hook and node-agent/agent.
//
//   AdmissionStore store;
//   store.Record({.container_id = "abc", .identity = "shop/api", ...});
//   std::optional<Admission> a = store.Lookup("abc");
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "lib/manifest/bundle.h"

namespace c8s::admission {

struct Admission {
  std::string container_id;
  std::string pod_namespace;
  std::string pod_name;
  std::string pod_uid;
  std::string container_name;
  std::string identity;      // "namespace/name" of the WorkloadIdentity, or the bootstrap entry
  std::string image;         // as admitted: registry/repo@sha256:<64 hex>
  std::string image_digest;  // "sha256:<64 hex>"
  int64_t bundle_generation = 0;  // 0: admitted by the bootstrap allow-list
  bool operator==(const Admission&) const = default;
};

// Thread-safe; the NRI plugin thread writes, the hook and pod-API threads read.
class AdmissionStore {
 public:
  void Record(Admission admission) {
    std::lock_guard lock(mu_);
    std::string id = admission.container_id;
    by_container_[std::move(id)] = std::move(admission);
  }
  std::optional<Admission> Lookup(const std::string& container_id) const {
    std::lock_guard lock(mu_);
    auto it = by_container_.find(container_id);
    if (it == by_container_.end()) return std::nullopt;
    return it->second;
  }
  void Remove(const std::string& container_id) {
    std::lock_guard lock(mu_);
    by_container_.erase(container_id);
  }
  std::vector<Admission> All() const {
    std::lock_guard lock(mu_);
    std::vector<Admission> out;
    for (const auto& [id, a] : by_container_) out.push_back(a);
    return out;
  }

 private:
  mutable std::mutex mu_;
  std::map<std::string, Admission> by_container_;
};

// The policy the agent enforces right now: the newest verified bundle, or none yet (then only
// the bootstrap allow-list admits). Implemented by the agent's policy store (node-agent/agent)
// and, for `c8s-node-agent nri --policy-bundle FILE`, by a fixed bundle read and verified at
// start. Readers take a snapshot and never see a half-updated policy.
class PolicyView {
 public:
  virtual ~PolicyView() = default;
  virtual std::shared_ptr<const manifest::PolicyBundle> Current() const = 0;
};

}  // namespace c8s::admission
