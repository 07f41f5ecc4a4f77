// c8s-cds's flags and what they build (storage, seed store, evidence source, Vault, options),
// for grpc_daemon.cc. Internal to cds/.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "cds/grpc_server.h"
#include "cds/http_server.h"
#include "cds/replica_link.h"
#include "cds/runtime.h"
#include "lib/kube/client.h"

namespace CLI {
class App;
}

namespace c8s::cds {

struct DaemonFlags {
  std::string listen = "127.0.0.1:7443";
  std::string http_listen = "127.0.0.1:7444";
  std::vector<std::string> dns_names = {"localhost"};
  std::vector<std::string> ip_addresses = {"127.0.0.1"};
  std::string state_dir = "/var/lib/c8s-cds";
  std::string seed_file;  // default <state-dir>/seed
  bool seed_in_memory = false;
  bool no_create = false;
  std::vector<std::string> simulated_roots;
  bool simulate_own_evidence = false;
  std::string simulated_platform_dir;
  std::string own_simulated_root_out;
  std::string agent_socket;
  std::string image_digest = "sha256:" + std::string(64, '0');
  std::string pod_ref = "c8s-system/cds-0";
  int64_t node_lifetime_s = 24 * 3600;
  int64_t workload_lifetime_s = 3600;
  int64_t challenge_lifetime_s = 60;
  int64_t max_pending = 16;
  double issue_node_rate = 1000, issue_node_burst = 2000;
  double issue_node_peer_rate = 20, issue_node_peer_burst = 100;
  double challenge_rate = 4000, challenge_burst = 8000;
  double challenge_peer_rate = 100, challenge_peer_burst = 400;
  int64_t max_watch_streams = 4096;
  std::string vault_address;
  std::string vault_token_file;
  std::string vault_ca_file;
  std::string replica_id;
  std::string replica_listen;
  std::vector<std::string> peers;
  std::string replica_port_file;
  std::string storage = "dir";
  std::string kubeconfig;
  std::string kube_namespace = "c8s-system";
  std::string kube_prefix = "c8s-cds-";
  std::string port_file;
  std::string http_port_file;
  std::string log_level = "info";
};

void AddDaemonFlags(CLI::App& app, DaemonFlags& f);

// Everything the flags make; owns what RuntimeConfig points to.
struct DaemonSetup {
  std::unique_ptr<kube::Client> kube;
  std::unique_ptr<Storage> storage;
  std::unique_ptr<SeedStore> seed_store;
  std::unique_ptr<OwnEvidence> evidence;
  std::unique_ptr<SecretStore> vault;
  RuntimeConfig runtime;
  GrpcServerOptions grpc;
  HttpServerOptions http;
  std::optional<ReplicaOptions> replica;  // set with --replica-id
};

absl::StatusOr<std::unique_ptr<DaemonSetup>> BuildDaemonSetup(const DaemonFlags& f);

}  // namespace c8s::cds
