// Where the API server is and how to authenticate: from a kubeconfig file (current context;
// bearer token or token file, client certificate, CA data or file) or from the in-cluster
// service-account mount. Exec and auth-provider plugins are refused (they would run code).
//
//   ASSIGN_OR_RETURN(KubeConfig cfg, LoadKubeconfig(path));
//   ASSIGN_OR_RETURN(KubeConfig cfg, InClusterConfig());   // token re-read on every request
#pragma once

#include <string>

#include "absl/status/statusor.h"

namespace c8s::kube {

struct KubeConfig {
  std::string host = {};  // "127.0.0.1" or "api.example.com"
  int port = 443;
  std::string token = {};       // static bearer token
  std::string token_file = {};  // re-read on every request (service-account token rotation)
  std::string ca_pem = {};      // trusted roots for the server certificate
  std::string client_cert_pem = {};
  std::string client_key_pem = {};
  bool insecure_skip_verify = false;  // only with LoadOptions::allow_insecure
  std::string ns = "default";         // the context's namespace

  // The bearer token to send now: token_file's current content, else `token`.
  absl::StatusOr<std::string> BearerToken() const;
};

struct LoadOptions {
  std::string context = {};     // empty: current-context
  bool allow_insecure = false;  // insecure-skip-tls-verify is refused unless this is set
};

absl::StatusOr<KubeConfig> LoadKubeconfig(const std::string& path, const LoadOptions& options = {});
// Parses kubeconfig text; relative file references resolve against `base_dir`.
absl::StatusOr<KubeConfig> ParseKubeconfig(std::string_view text, const std::string& base_dir,
                                           const LoadOptions& options = {});

// KUBERNETES_SERVICE_HOST/PORT and <root>/{token,ca.crt,namespace}.
absl::StatusOr<KubeConfig> InClusterConfig(
    const std::string& root = "/var/run/secrets/kubernetes.io/serviceaccount");

// What a controller binary does, in order: `path` if given; else the first file of
// $KUBECONFIG; else the in-cluster config when KUBERNETES_SERVICE_HOST is set; else
// $HOME/.kube/config. Errors say which source was tried.
absl::StatusOr<KubeConfig> LoadConfig(
    const std::string& path, const LoadOptions& options = {},
    const std::string& in_cluster_root = "/var/run/secrets/kubernetes.io/serviceaccount");

}  // namespace c8s::kube
