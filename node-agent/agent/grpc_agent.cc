#include "node-agent/agent/grpc_agent.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstdlib>
#include <thread>
#include <vector>

#include "client/sdk/grpc_cds_client.h"
#include "lib/base/fd.h"
#include "lib/base/log.h"
#include "lib/base/metrics.h"
#include "lib/base/status.h"
#include "lib/base/strings.h"
#include "lib/crypto/grpc_tls.h"
#include "node-agent/agent/bpf_feed.h"
#include "node-agent/agent/cds_secrets.h"
#include "node-agent/agent/grpc_cds_client.h"
#include "node-agent/agent/grpc_task_events.h"
#include "node-agent/agent/hook_server.h"
#include "node-agent/agent/http_server.h"
#include "node-agent/agent/node_identity.h"
#include "node-agent/agent/policy_watch.h"
#include "node-agent/agent/task_detector.h"
#include "node-agent/agent/tee.h"
#include "node-agent/agent/trust_anchor.h"
#include "node-agent/agent/workload_certs.h"
#include "node-agent/nri/image_resolver.h"
#include "node-agent/nri/runner.h"
#include "node-agent/podapi/grpc_pod_server.h"

namespace c8s::agent {
namespace {

absl::Status MakeParentDir(const std::string& socket_path, mode_t mode) {
  size_t slash = socket_path.rfind('/');
  if (slash == std::string::npos || slash == 0) return absl::OkStatus();
  std::string dir = socket_path.substr(0, slash);
  if (::mkdir(dir.c_str(), mode) != 0 && errno != EEXIST) {
    return ErrnoStatus(StrCat("mkdir ", dir), errno);
  }
  return absl::OkStatus();
}

std::string AlertsJson(const std::vector<Alert>& alerts) {
  nlohmann::json out = nlohmann::json::array();
  for (const Alert& a : alerts) {
    out.push_back({{"at", FormatRfc3339(a.at)},
                   {"kind", a.kind},
                   {"containerId", a.container_id},
                   {"pid", a.pid},
                   {"message", a.message}});
  }
  return out.dump();
}

absl::StatusOr<std::unique_ptr<TrustAnchor>> MakeTrustAnchor(const CdsConfig& c) {
  if (c.reference_values) {
    AttestedCdsOptions o{c.address, *c.reference_values, {}, &client::ConnectCds};
    for (const std::string& path : c.simulated_roots) {
      ASSIGN_OR_RETURN(std::string pem, ReadFile(path, 1 << 20));
      o.simulated_roots.push_back(ToBytes(pem));
    }
    return AttestedCdsAnchor(std::move(o));
  }
  if (!c.ca_file.empty()) return ConfiguredCaAnchor(c.ca_file);
  return absl::InvalidArgumentError(
      "cds: neither referenceValues (attest the CDS, pin the CA it proves) nor caFile "
      "(development) is configured: this agent would have nothing to trust the CDS by");
}

class AgentImpl : public Agent {
 public:
  explicit AgentImpl(AgentConfig c) : config_(std::move(c)) {}

  absl::Status Init() {
    const AgentConfig& c = config_;
    ASSIGN_OR_RETURN(store_, PolicyStore::Open({c.state_dir, c.trust_domain}));
    absl::Status restored = store_->LoadPersisted();
    if (!restored.ok()) {
      log::Error("persisted policy not enforced", {{"error", StatusText(restored)}});
    }
    if (store_->Current() == nullptr) {
      log::Info("no verified policy bundle yet: only the bootstrap allow-list admits",
                {{"bootstrap_entries", c.bootstrap.entries.size()}});
    }
    // The gate first: from here on no container starts unless admitted.
    gate_ =
        std::make_unique<HookGate>(&admissions_, store_.get(), &c.bootstrap.entries,
                                   HookGateOptions{c.volume_roots, c.sandbox_commands}, &metrics_);
    RETURN_IF_ERROR(MakeParentDir(c.hook_socket, 0700));
    ASSIGN_OR_RETURN(hook_server_, HookServer::Start(c.hook_socket, gate_.get()));

    ASSIGN_OR_RETURN(provider_, OpenEvidenceProvider(c.tee, c.simulated_state_file));
    cds_ = MakeGrpcCdsClient({c.cds.address}, [this] { return store_->pinned_ca(); });
    ASSIGN_OR_RETURN(anchor_, MakeTrustAnchor(c.cds));
    node_ = std::make_unique<NodeIdentity>(
        cds_.get(), provider_.get(), Clock::Real(),
        NodeIdentityOptions{c.node_name, c.node_address, c.mesh_port, {}}, &metrics_);
    watch_ = std::make_unique<PolicyWatch>(cds_.get(), node_.get(), store_.get(), &metrics_);
    certs_ = std::make_unique<WorkloadCerts>(cds_.get(), node_.get(), Clock::Real(), &metrics_);
    secrets_ = std::make_unique<CdsSecrets>(cds_.get(), certs_.get());
    pod_api_ =
        std::make_unique<podapi::PodApi>(provider_.get(), secrets_.get(), &metrics_, Clock::Real());
    resolver_ = std::make_unique<podapi::CallerResolver>(&admissions_);
    RETURN_IF_ERROR(MakeParentDir(c.pod_socket, 0755));
    ASSIGN_OR_RETURN(pod_server_,
                     podapi::PodApiServer::Start(c.pod_socket, pod_api_.get(), resolver_.get()));
    detector_ =
        std::make_unique<TaskDetector>(&admissions_, gate_.get(), &metrics_, c.containerd.ns);
    if (c.bpf.enabled) {
      // Bootstrap infrastructure first (unless a previous agent's bundle is still in the maps),
      // then the restored bundle, then every newly verified one.
      ASSIGN_OR_RETURN(bpf_, BpfFeed::Start(c.bpf, c.node_name, c.cds.address));
      if (std::shared_ptr<const manifest::PolicyBundle> b = store_->Current()) {
        bpf_->Apply({b, "", true});
      }
      store_->AddListener([this](const EnforcedPolicy& p) { bpf_->Apply(p); });
    }
    if (!c.http_listen.empty()) {
      ASSIGN_OR_RETURN(
          http_,
          AgentHttpServer::Start(
              c.http_listen, {[this] { return MetricsText(); }, [this] { return NotReadyReason(); },
                              [this] { return AlertsJson(detector_->Alerts()); }}));
    }
    if (c.nri.enabled) RETURN_IF_ERROR(StartNri());
    StartThreads();
    return absl::OkStatus();
  }

  void Stop() override {
    if (stopped_) return;
    stopped_ = true;
    stop_.Stop();
    if (watch_) watch_->Cancel();
    if (task_events_) task_events_->Cancel();
    if (nri_) nri_->Stop();
    for (std::thread& t : threads_) t.join();
    threads_.clear();
    if (http_) http_->Stop();
    if (bpf_) bpf_->Stop();  // enforcement stays attached and pinned
    if (pod_server_) pod_server_->Stop();
    if (hook_server_) hook_server_->Stop();
    log::Info("node agent stopped", {{"node", config_.node_name}});
  }
  ~AgentImpl() override { Stop(); }

  std::string MetricsText() const override {
    return AgentMetricsText() + (bpf_ ? bpf_->MetricsText() : "");
  }

  std::string AgentMetricsText() const {
    std::optional<crypto::TlsIdentity> node = node_->Current();
    std::shared_ptr<const manifest::PolicyBundle> b = store_->Current();
    return metrics_.Render(
        {{"c8s_agent_policy_generation", static_cast<double>(store_->generation())},
         {"c8s_agent_bootstrap_only", b ? 0.0 : 1.0},
         {"c8s_agent_approval_automatic",
          b && b->approval == manifest::ApprovalMode::kAutomatic ? 1.0 : 0.0},
         {"c8s_agent_ca_pinned", store_->pinned_ca() ? 1.0 : 0.0},
         {"c8s_agent_node_certificate_valid", node ? 1.0 : 0.0},
         {"c8s_agent_node_certificate_not_after_seconds",
          node ? static_cast<double>(absl::ToUnixSeconds(node->chain[0].NotAfter())) : 0.0},
         {"c8s_agent_node_certificate_renewals", static_cast<double>(node_->renewals())},
         {"c8s_agent_workload_certificates", static_cast<double>(certs_->size())},
         {"c8s_agent_admissions", static_cast<double>(admissions_.All().size())},
         {"c8s_agent_nri_connected", nri_ && nri_->connected() ? 1.0 : 0.0},
         {"c8s_agent_task_events_connected", task_events_ && task_events_->connected() ? 1.0 : 0.0},
         {"c8s_agent_bpf_policy_generation",
          bpf_ ? static_cast<double>(bpf_->generation()) : 0.0}});
  }

  std::string NotReadyReason() const override {
    if (!store_->pinned_ca()) return "no CDS CA pinned yet";
    if (!node_->Current()) return "no valid node certificate";
    if (nri_ && !nri_->connected()) return "NRI plugin not connected to containerd";
    return "";
  }
  int http_port() const override { return http_ ? http_->port() : 0; }
  PolicyStore& policy() override { return *store_; }
  admission::AdmissionStore& admissions() override { return admissions_; }

 private:
  // The image-policy plugin decides against this agent's policy store and bootstrap list and
  // records admissions where the hook gate and the pod API look them up.
  absl::Status StartNri() {
    const AgentConfig& c = config_;
    absl::StatusOr<std::unique_ptr<admission::ImageResolver>> resolver =
        nri::NewContainerdImageResolver(c.containerd.address, c.containerd.ns);
    if (resolver.ok()) {
      resolver_images_ = *std::move(resolver);
    } else {
      log::Warn(
          "no containerd image resolver: containers whose image is not a digest "
          "reference are refused",
          {{"containerd", c.containerd.address}, {"error", StatusText(resolver.status())}});
    }
    decider_ = std::make_unique<admission::Decider>(*store_, c.bootstrap, resolver_images_.get());
    nri::RunnerOptions options;
    if (c.nri.socket.empty()) {
      ASSIGN_OR_RETURN(options, nri::PreLaunchedFromEnvironment(&std::getenv));
    } else {
      options.mode = nri::Mode::kExternal;
      options.socket_path = c.nri.socket;
    }
    nri_ = std::make_unique<nri::PluginRunner>(options, *decider_, admissions_);
    threads_.emplace_back([this] {
      absl::Status st = nri_->Run();
      if (!st.ok()) log::Error("NRI plugin ended", {{"error", StatusText(st)}});
    });
    log::Info("NRI plugin started", {{"mode", c.nri.socket.empty() ? "pre-launched" : "external"},
                                     {"socket", c.nri.socket},
                                     {"enforced_generation", decider_->enforced_generation()}});
    return absl::OkStatus();
  }

  void StartThreads() {
    threads_.emplace_back([this] {
      Backoff backoff({absl::Milliseconds(500), absl::Seconds(30), 2.0, 0.2});
      while (!stop_.stopped()) {
        absl::StatusOr<crypto::Certificate> ca = anchor_->Obtain();
        absl::Status st = ca.ok() ? store_->PinCa(*ca) : ca.status();
        if (st.ok()) break;
        absl::Duration retry = backoff.Next();
        log::Error("trust anchor not established",
                   {{"anchor", anchor_->Describe()},
                    {"error", StatusText(st)},
                    {"retry_in_ms", absl::ToInt64Milliseconds(retry)}});
        if (stop_.WaitFor(retry)) return;
      }
      node_->Run(&stop_);
    });
    threads_.emplace_back([this] { watch_->Run(&stop_); });
    threads_.emplace_back([this] {
      while (!stop_.WaitFor(absl::Seconds(1))) certs_->Sync(admissions_.All());
    });
    if (config_.containerd.watch_events) {
      task_events_ = std::make_unique<TaskEventWatcher>(
          TaskEventWatcherOptions{config_.containerd.address, config_.containerd.ns},
          [this](const TaskEvent& e) { detector_->OnEvent(e); });
      threads_.emplace_back([this] { task_events_->Run(&stop_); });
    }
  }

  AgentConfig config_;
  Metrics metrics_;
  admission::AdmissionStore admissions_;
  std::unique_ptr<PolicyStore> store_;
  std::unique_ptr<HookGate> gate_;
  std::unique_ptr<HookServer> hook_server_;
  std::unique_ptr<attest::EvidenceProvider> provider_;
  std::unique_ptr<CdsClient> cds_;
  std::unique_ptr<TrustAnchor> anchor_;
  std::unique_ptr<NodeIdentity> node_;
  std::unique_ptr<PolicyWatch> watch_;
  std::unique_ptr<WorkloadCerts> certs_;
  std::unique_ptr<CdsSecrets> secrets_;
  std::unique_ptr<podapi::PodApi> pod_api_;
  std::unique_ptr<podapi::CallerResolver> resolver_;
  std::unique_ptr<podapi::PodApiServer> pod_server_;
  std::unique_ptr<TaskDetector> detector_;
  std::unique_ptr<TaskEventWatcher> task_events_;
  std::unique_ptr<BpfFeed> bpf_;
  std::unique_ptr<admission::ImageResolver> resolver_images_;
  std::unique_ptr<admission::Decider> decider_;
  std::unique_ptr<nri::PluginRunner> nri_;
  std::unique_ptr<AgentHttpServer> http_;
  StopFlag stop_;
  std::vector<std::thread> threads_;
  bool stopped_ = false;
};

}  // namespace

absl::StatusOr<std::unique_ptr<Agent>> Agent::Start(AgentConfig config) {
  RETURN_IF_ERROR(crypto::PrepareGrpcProcess());
  log::Info("node agent starting", {{"node", config.node_name},
                                    {"trust_domain", config.trust_domain},
                                    {"tee", std::string(TeeModeName(config.tee))},
                                    {"cds", config.cds.address},
                                    {"nri", config.nri.enabled},
                                    {"bpf", config.bpf.enabled},
                                    {"bootstrap_entries", config.bootstrap.entries.size()},
                                    {"state_dir", config.state_dir}});
  auto agent = std::make_unique<AgentImpl>(std::move(config));
  absl::Status st = agent->Init();
  if (!st.ok()) {
    agent->Stop();
    return st;
  }
  return std::unique_ptr<Agent>(std::move(agent));
}

}  // namespace c8s::agent
