// Start-up credentials of c8s-kube-local: a throw-away CA, a server certificate for the
// listen address (IP SAN + localhost), a random bearer token, and a kubeconfig that kubectl
// and lib/kube use as-is.
//
//   ASSIGN_OR_RETURN(Credentials creds, CreateCredentials(state_dir, "127.0.0.1"));
//   RETURN_IF_ERROR(WriteKubeconfig(creds, "127.0.0.1", port, state_dir + "/kubeconfig"));
#pragma once

#include <string>

#include "absl/status/statusor.h"

namespace c8s::kubelocal {

struct Credentials {
  std::string ca_pem;
  std::string cert_file;  // server certificate, PEM
  std::string key_file;   // server private key, PEM
  std::string token;
};

absl::StatusOr<Credentials> CreateCredentials(const std::string& dir, const std::string& host);

// Writes atomically: a watcher of the file never reads half a kubeconfig.
absl::Status WriteKubeconfig(const Credentials& creds, const std::string& host, int port,
                             const std::string& path);

}  // namespace c8s::kubelocal
