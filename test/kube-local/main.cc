// c8s-kube-local: a Kubernetes-API-compatible HTTPS server for tests (README.md).
//
//   c8s-kube-local --state-dir /tmp/kl --crds crds/   # then: KUBECONFIG=/tmp/kl/kubeconfig kubectl
//   get ns
#include <CLI/CLI.hpp>
#include <cstdio>

#include "lib/base/log.h"
#include "lib/base/signals.h"
#include "test/kube-local/local_cluster.h"

int main(int argc, char** argv) {
  CLI::App app{"c8s-kube-local: a local Kubernetes API server for tests and demos"};
  c8s::ShutdownSignal shutdown;  // first: threads started later inherit the signal mask
  c8s::kubelocal::ClusterOptions options;
  int64_t bookmark_ms = 1000;
  app.add_option("--state-dir", options.state_dir, "Directory for certificates, token, kubeconfig")
      ->required();
  app.add_option("--listen", options.host, "Listen address")->capture_default_str();
  app.add_option("--port", options.port, "Listen port, 0 for any free port")->capture_default_str();
  app.add_option("--crds", options.crd_paths, "CRD YAML files or directories to register at start");
  app.add_option("--kubeconfig", options.kubeconfig, "Where to write the kubeconfig");
  app.add_option("--history", options.history, "Watch events kept for resuming")
      ->capture_default_str();
  app.add_option("--bookmark-interval-ms", bookmark_ms, "Bookmark period")->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  options.bookmark_interval = absl::Milliseconds(bookmark_ms);
  c8s::log::SetComponent("kube-local");

  c8s::kubelocal::LocalCluster cluster(options);
  if (absl::Status s = cluster.Start(); !s.ok()) {
    c8s::log::Error("start failed", {{"error", std::string(s.message())}});
    return 1;
  }
  c8s::log::Info("serving", {{"port", cluster.port()}, {"kubeconfig", cluster.kubeconfig_path()}});
  std::printf("listening on port %d, kubeconfig %s\n", cluster.port(),
              cluster.kubeconfig_path().c_str());
  std::fflush(stdout);
  shutdown.Wait();
  cluster.Stop();
  return 0;
}
