// The Kubernetes resources the operator reads and writes: the five c8s.dev kinds it
// reconciles and the built-in kinds it owns for a ConfidentialCluster.
//
//   kube::Informer identities(client, kWorkloadIdentities);
//   client->UpdateStatus(KindResource(Kind::kWorkloadIdentity), obj);
#pragma once

#include <array>
#include <string>

#include "lib/kube/client.h"

namespace c8s::op {

inline const kube::Resource kClusters{"c8s.dev", "v1alpha1", "confidentialclusters", false};
inline const kube::Resource kPolicies{"c8s.dev", "v1alpha1", "attestationpolicies", false};
inline const kube::Resource kIdentities{"c8s.dev", "v1alpha1", "workloadidentities", true};
inline const kube::Resource kSecretReleases{"c8s.dev", "v1alpha1", "secretreleases", true};
inline const kube::Resource kIngresses{"c8s.dev", "v1alpha1", "confidentialingresses", true};

inline const kube::Resource kServiceAccounts{"", "v1", "serviceaccounts", true};
inline const kube::Resource kServices{"", "v1", "services", true};
inline const kube::Resource kStatefulSets{"apps", "v1", "statefulsets", true};
inline const kube::Resource kDaemonSets{"apps", "v1", "daemonsets", true};
inline const kube::Resource kDeployments{"apps", "v1", "deployments", true};
inline const kube::Resource kRoles{"rbac.authorization.k8s.io", "v1", "roles", true};
inline const kube::Resource kRoleBindings{"rbac.authorization.k8s.io", "v1", "rolebindings", true};

// Every kind DesiredWorkloads() produces, for the owned-object caches.
inline const std::array<kube::Resource, 7> kOwnedResources = {
    kServiceAccounts, kServices, kStatefulSets, kDaemonSets, kDeployments, kRoles, kRoleBindings};

// The c8s kinds compiled into the manifest (ConfidentialCluster included).
enum class Kind { kCluster, kPolicy, kIdentity, kSecret, kIngress };
inline constexpr std::array<Kind, 5> kAllKinds = {Kind::kCluster, Kind::kPolicy, Kind::kIdentity,
                                                  Kind::kSecret, Kind::kIngress};

const kube::Resource& KindResource(Kind kind);
const char* KindName(Kind kind);  // "WorkloadIdentity"
// "WorkloadIdentity/shop/api": the status work-queue key of one object.
std::string StatusKey(Kind kind, const std::string& ref);
// Inverse of StatusKey; false when `key` is not one.
bool ParseStatusKey(const std::string& key, Kind* kind, std::string* ref);

// The label every owned object carries; the owned-object caches select on it.
inline constexpr char kManagedByLabel[] = "app.kubernetes.io/managed-by";
inline constexpr char kManagedByValue[] = "c8s-operator";
// Held on a ConfidentialCluster until its owned workloads are gone (cluster_controller.h).
inline constexpr char kTeardownFinalizer[] = "c8s.dev/teardown";

}  // namespace c8s::op
