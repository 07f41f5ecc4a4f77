#include <sys/stat.h>

#include <CLI/CLI.hpp>

#include "cds/daemon_flags.h"
#include "cds/grpc_agent_evidence.h"
#include "cds/kube_storage.h"
#include "cds/simulated_platform.h"
#include "lib/base/fd.h"
#include "lib/base/log.h"
#include "lib/base/status.h"
#include "lib/base/strings.h"

namespace c8s::cds {

void AddDaemonFlags(CLI::App& app, DaemonFlags& f) {
  app.add_option("--listen", f.listen, "gRPC (TLS 1.3) listen address")->capture_default_str();
  app.add_option("--http-listen", f.http_listen, "HTTPS listen address (/v1/..., /metrics)")
      ->capture_default_str();
  app.add_option("--dns-name", f.dns_names, "DNS SAN of the serving certificate (repeat)");
  app.add_option("--ip-address", f.ip_addresses, "IP SAN of the serving certificate (repeat)");
  app.add_option("--state-dir", f.state_dir, "directory for encrypted state and the audit log")
      ->capture_default_str();
  app.add_option("--seed-file", f.seed_file,
                 "local mode: keep the seed in this 0600 file (default <state-dir>/seed)");
  app.add_flag("--seed-in-memory", f.seed_in_memory,
               "cluster mode: keep the seed only in memory (replicas and recovery bring it back)");
  app.add_flag("--no-create", f.no_create,
               "never create a cluster on empty storage (wait for a replica or a backup)");
  app.add_option("--simulated-root", f.simulated_roots,
                 "PEM root of simulated SEV-SNP/TDX chains to verify (policy must allowSimulated)");
  app.add_flag("--simulate-own-evidence", f.simulate_own_evidence,
               "produce the CDS's own evidence with a simulated SEV-SNP TEE (development)");
  app.add_option("--simulated-platform", f.simulated_platform_dir,
                 "directory of the simulated platform shared by replicas (created if absent)");
  app.add_option("--own-simulated-root-out", f.own_simulated_root_out,
                 "write the ARK of the CDS's own simulated evidence here");
  app.add_option("--agent-socket", f.agent_socket,
                 "node agent pod API unix socket for the CDS's own evidence (c8s.agent.v1)");
  app.add_option("--image-digest", f.image_digest,
                 "CDS image digest bound into c8s/pod/v1 "
                 "(simulated evidence)");
  app.add_option("--pod-ref", f.pod_ref, "CDS pod reference bound into c8s/pod/v1 (simulated)")
      ->capture_default_str();
  app.add_option("--node-cert-lifetime", f.node_lifetime_s, "seconds")->capture_default_str();
  app.add_option("--workload-cert-lifetime", f.workload_lifetime_s, "seconds")
      ->capture_default_str();
  app.add_option("--challenge-lifetime", f.challenge_lifetime_s,
                 "seconds a node-join challenge stays valid (any replica checks it)")
      ->capture_default_str()
      ->check(CLI::Range(int64_t{1}, int64_t{3600}));
  app.add_option("--max-pending", f.max_pending, "pending proposals kept (oldest dropped)")
      ->capture_default_str();
  app.add_option("--issue-node-rate", f.issue_node_rate, "IssueNode per second, all callers")
      ->capture_default_str();
  app.add_option("--issue-node-burst", f.issue_node_burst)->capture_default_str();
  app.add_option("--issue-node-peer-rate", f.issue_node_peer_rate,
                 "IssueNode per second per caller address (0 = unlimited)")
      ->capture_default_str();
  app.add_option("--issue-node-peer-burst", f.issue_node_peer_burst)->capture_default_str();
  app.add_option("--challenge-rate", f.challenge_rate)->capture_default_str();
  app.add_option("--challenge-burst", f.challenge_burst)->capture_default_str();
  app.add_option("--challenge-peer-rate", f.challenge_peer_rate)->capture_default_str();
  app.add_option("--challenge-peer-burst", f.challenge_peer_burst)->capture_default_str();
  app.add_option("--max-watch-streams", f.max_watch_streams)->capture_default_str();
  app.add_option("--vault-address", f.vault_address, "Vault KV v2 (https://host:8200)");
  app.add_option("--vault-token-file", f.vault_token_file, "the CDS's own Vault token");
  app.add_option("--vault-ca", f.vault_ca_file, "PEM trust anchor for Vault");
  app.add_option("--replica-id", f.replica_id,
                 "run as one of several replicas (lower ids lead), e.g. the pod name cds-0");
  app.add_option("--replica-listen", f.replica_listen,
                 "ipv4:port of the attested replica channel (TLS 1.3, exporter-bound evidence)");
  app.add_option("--peer", f.peers, "replica channel address of another replica (repeat)");
  app.add_option("--replica-port-file", f.replica_port_file, "write the bound replica port here");
  app.add_option("--storage", f.storage, "dir (<state-dir>/objects) or kube (a Secret per object)")
      ->capture_default_str();
  app.add_option("--kubeconfig", f.kubeconfig, "kube storage: kubeconfig (default: in-cluster)");
  app.add_option("--kube-namespace", f.kube_namespace, "kube storage: namespace of the Secrets")
      ->capture_default_str();
  app.add_option("--kube-prefix", f.kube_prefix, "kube storage: Secret name prefix")
      ->capture_default_str();
  app.add_option("--port-file", f.port_file, "write the bound gRPC port here (tests)");
  app.add_option("--http-port-file", f.http_port_file, "write the bound HTTPS port here");
  app.add_option("--log-level", f.log_level, "debug, info, warn, error")->capture_default_str();
}

absl::StatusOr<std::unique_ptr<DaemonSetup>> BuildDaemonSetup(const DaemonFlags& f) {
  auto s = std::make_unique<DaemonSetup>();
  if (::mkdir(f.state_dir.c_str(), 0700) != 0 && errno != EEXIST) {
    return ErrnoStatus("mkdir " + f.state_dir, errno);
  }
  CdsOptions& o = s->runtime.options;
  o.node_lifetime = absl::Seconds(f.node_lifetime_s);
  o.workload_lifetime = absl::Seconds(f.workload_lifetime_s);
  o.challenge_ttl = absl::Seconds(f.challenge_lifetime_s);
  o.max_pending = static_cast<size_t>(std::max<int64_t>(1, f.max_pending));
  o.issue_node_limit = {f.issue_node_rate, f.issue_node_burst, f.issue_node_peer_rate,
                        f.issue_node_peer_burst};
  o.challenge_limit = {f.challenge_rate, f.challenge_burst, f.challenge_peer_rate,
                       f.challenge_peer_burst};
  for (const std::string& path : f.simulated_roots) {
    ASSIGN_OR_RETURN(std::string pem, ReadFile(path));
    o.simulated_roots.push_back(ToBytes(pem));
  }
  if (f.simulate_own_evidence && !f.agent_socket.empty()) {
    return absl::InvalidArgumentError(
        "--simulate-own-evidence and --agent-socket exclude each other");
  }
  if (f.simulate_own_evidence) {
    std::unique_ptr<attest::SimulatedSnp> sim;
    if (f.simulated_platform_dir.empty()) {
      ASSIGN_OR_RETURN(sim, attest::SimulatedSnp::Create({}));
    } else {
      ASSIGN_OR_RETURN(sim, LoadOrCreateSimulatedSnp(f.simulated_platform_dir));
    }
    // Replicas on the same simulated platform verify each other.
    o.simulated_roots.push_back(ToBytes(sim->ArkPem()));
    if (!f.own_simulated_root_out.empty()) {
      RETURN_IF_ERROR(WriteFileAtomic(f.own_simulated_root_out, sim->ArkPem(), 0644));
    }
    s->evidence = std::make_unique<SimulatedOwnEvidence>(std::move(sim), f.image_digest, f.pod_ref);
    log::Warn("own evidence is SIMULATED: clients must not trust this CDS outside development");
  } else if (!f.agent_socket.empty()) {
    s->evidence = std::make_unique<AgentOwnEvidence>(f.agent_socket);
  }
  if (!f.vault_address.empty()) {
    VaultOptions vo;
    vo.address = f.vault_address;
    ASSIGN_OR_RETURN(vo.token, ReadFile(f.vault_token_file, 4096));
    while (!vo.token.empty() && (vo.token.back() == '\n' || vo.token.back() == '\r')) {
      vo.token.pop_back();
    }
    if (!f.vault_ca_file.empty()) {
      ASSIGN_OR_RETURN(vo.ca_pem, ReadFile(f.vault_ca_file));
    }
    ASSIGN_OR_RETURN(std::unique_ptr<VaultClient> vault, VaultClient::Create(std::move(vo)));
    s->vault = std::move(vault);
    o.secret_store = s->vault.get();
  }
  if (f.storage == "dir") {
    s->storage = std::make_unique<DirectoryStorage>(f.state_dir + "/objects");
  } else if (f.storage == "kube") {
    absl::StatusOr<kube::KubeConfig> cfg =
        f.kubeconfig.empty() ? kube::InClusterConfig() : kube::LoadKubeconfig(f.kubeconfig);
    if (!cfg.ok()) return Annotate(cfg.status(), "kube storage");
    ASSIGN_OR_RETURN(s->kube, kube::Client::Create(*cfg));
    s->storage = std::make_unique<KubeStorage>(s->kube.get(), f.kube_namespace, f.kube_prefix);
  } else {
    return absl::InvalidArgumentError(StrCat("--storage ", f.storage, ": want dir or kube"));
  }
  if (f.seed_in_memory) {
    s->seed_store = std::make_unique<MemorySeedStore>();
  } else {
    s->seed_store =
        std::make_unique<FileSeedStore>(f.seed_file.empty() ? f.state_dir + "/seed" : f.seed_file);
  }
  s->runtime.storage = s->storage.get();
  s->runtime.seed_store = s->seed_store.get();
  s->runtime.evidence = s->evidence.get();
  s->runtime.audit_path = f.state_dir + "/audit.jsonl";
  s->runtime.may_create = !f.no_create;
  s->grpc.listen = f.listen;
  s->grpc.dns_names = f.dns_names;
  s->grpc.ip_addresses = f.ip_addresses;
  s->grpc.max_watch_streams = static_cast<size_t>(std::max<int64_t>(1, f.max_watch_streams));
  s->http.listen = f.http_listen;
  s->http.sans.dns = f.dns_names;
  s->http.sans.ips = f.ip_addresses;
  if (!f.replica_id.empty()) {
    if (f.replica_listen.empty()) {
      return absl::InvalidArgumentError("--replica-id needs --replica-listen");
    }
    ReplicaOptions r;
    r.id = f.replica_id;
    r.listen = f.replica_listen;
    r.peers = f.peers;
    s->replica = r;
  }
  return s;
}

}  // namespace c8s::cds
