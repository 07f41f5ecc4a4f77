// Decide step of the ConfidentialCluster reconciler: the objects a cluster needs (CDS
// StatefulSet + Services, node-agent DaemonSet, ingress-router Deployment + Service, their
// ServiceAccounts and RBAC), each owned by the ConfidentialCluster so that deleting it
// garbage-collects them. Pure functions, table-tested; the act step applies them with
// merge patches only when Satisfies() says the live object differs.
//
//   for (const Owned& o : DesiredWorkloads(cluster))
//     if (!live || !Satisfies(*live, o.object)) client.MergePatch(...) / Create(...);
#pragma once

#include <string>
#include <vector>

#include "lib/kube/client.h"
#include "nlohmann/json.hpp"

namespace c8s::op {

struct Owned {
  kube::Resource resource;
  nlohmann::json object;
};

// The ConfidentialCluster that manages the installation: the oldest (creationTimestamp, then
// name), even while it is being deleted, so that a successor never adopts workloads its
// predecessor's teardown is deleting. "" when there is none; the others are superseded.
std::string ManagingCluster(const std::vector<nlohmann::json>& clusters);

// Stable order (by kind, then name), so that acting on it is deterministic.
std::vector<Owned> DesiredWorkloads(const nlohmann::json& cluster);

// True when every field `desired` sets has that value in `live` (extra fields in `live`,
// e.g. defaults and status written by others, do not matter).
bool Satisfies(const nlohmann::json& live, const nlohmann::json& desired);

}  // namespace c8s::op
