// A c8s-kube-local instance in this process, with the c8s CRDs registered, and a lib/kube
// client connected to it through the kubeconfig the server wrote.
//
//   ClusterFixture f;                 // or ClusterFixture f({.history = 5});
//   auto obj = f.client->Get(kConfigMaps, "default", "x");
#pragma once

#include <memory>
#include <string>

#include "lib/kube/client.h"
#include "test/kube-local/local_cluster.h"
#include "test/support/test_env.h"

namespace c8s::kube::testing {

inline const Resource kConfigMaps{"", "v1", "configmaps", true};
inline const Resource kNamespaces{"", "v1", "namespaces", false};
inline const Resource kDeployments{"apps", "v1", "deployments", true};
inline const Resource kWorkloadIdentities{"c8s.dev", "v1alpha1", "workloadidentities", true};

struct FixtureOptions {
  size_t history = 10000;
};

struct ClusterFixture {
  explicit ClusterFixture(FixtureOptions options = {});
  ~ClusterFixture();
  // A fresh client for the same server (own connection pool).
  std::unique_ptr<Client> NewClient() const;

  c8s::testing::TempDir dir;
  std::unique_ptr<kubelocal::LocalCluster> cluster;
  std::unique_ptr<Client> client;
};

json ConfigMap(const std::string& ns, const std::string& name, const json& data = json::object());
// The first document of a checked-in sample, e.g. "crds/samples/30-workloadidentity.yaml".
json Sample(const std::string& relative_path);

}  // namespace c8s::kube::testing
