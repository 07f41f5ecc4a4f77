// One c8s-kube-local instance: registry + store + lifecycle + HTTPS server, with start-up
// credentials, optional CRDs loaded from YAML files, and a kubeconfig. The binary's main()
// and in-process tests both use it; Restart() keeps the stored objects (as etcd would) but
// drops the watch history, which is what a real API server restart looks like to clients.
//
//   LocalCluster cluster({.state_dir = dir, .crd_paths = {"crds"}});
//   RETURN_IF_ERROR(cluster.Start());
//   std::string kubeconfig = cluster.kubeconfig_path();
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "test/kube-local/api.h"
#include "test/kube-local/credentials.h"
#include "test/kube-local/server.h"

namespace c8s::kubelocal {

struct ClusterOptions {
  std::string state_dir;  // certificates, token, kubeconfig go here
  std::string host = "127.0.0.1";
  int port = 0;
  std::vector<std::string> crd_paths;  // YAML files or directories of *.yaml
  size_t history = 10000;              // watch events kept for resuming watches
  absl::Duration bookmark_interval = absl::Seconds(1);
  std::string kubeconfig;  // default <state_dir>/kubeconfig
};

class LocalCluster {
 public:
  explicit LocalCluster(ClusterOptions options);
  absl::Status Start();
  void Stop();
  // Stops serving (every open watch breaks), runs `while_down` (writes through api() then
  // are what another API server replica accepted meanwhile), forgets the event history
  // unless `keep_history` (then only what overflowed the bounded history is gone), and serves
  // again on the same port. Clients resuming a watch from before get 410 Gone.
  absl::Status Restart(const std::function<void()>& while_down = nullptr,
                       bool keep_history = false);

  int port() const { return server_ ? server_->port() : 0; }
  const std::string& kubeconfig_path() const { return options_.kubeconfig; }
  const std::string& token() const { return creds_.token; }
  const std::string& ca_pem() const { return creds_.ca_pem; }
  Store& store() { return store_; }
  Api& api() { return api_; }
  Registry& registry() { return registry_; }

 private:
  absl::Status LoadCrds();
  ClusterOptions options_;
  Registry registry_;
  Store store_;
  Api api_;
  Credentials creds_;
  std::unique_ptr<Server> server_;
};

}  // namespace c8s::kubelocal
