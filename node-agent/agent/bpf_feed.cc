#include "node-agent/agent/bpf_feed.h"

#include "lib/base/log.h"
#include "lib/base/status.h"
#include "lib/base/strings.h"

#ifdef C8S_NODE_AGENT_WITH_BPF
#include "node-agent/ebpf/policy_bundle.h"
#include "node-agent/ebpf/supervisor.h"
#endif

namespace c8s::agent {

#ifdef C8S_NODE_AGENT_WITH_BPF

class BpfFeed::Plane {
 public:
  explicit Plane(std::unique_ptr<ebpf::Supervisor> s) : supervisor(std::move(s)) {}
  std::unique_ptr<ebpf::Supervisor> supervisor;
};

namespace {

absl::StatusOr<ebpf::SupervisorConfig> SupervisorSettings(const BpfConfig& c,
                                                          const std::string& node_name,
                                                          const std::string& cds_address) {
  ebpf::SupervisorConfig s;
  s.pin_root = c.pin_root;
  s.node_name = node_name;
  s.pod_cgroup = c.pod_cgroup;
  s.proxy_cgroup = c.proxy_cgroup;
  if (!c.redirect.empty()) {
    ASSIGN_OR_RETURN(s.redirect, Annotate(ebpf::ParseEndpoint(c.redirect), "bpf.redirect"));
  }
  s.kubelet_port = c.kubelet_port;
  s.ingress_ports = c.ingress_ports;
  s.interfaces.uplinks = c.uplinks;
  s.interfaces.uplink_patterns = c.uplink_patterns;
  s.interfaces.default_route_uplinks = c.default_route_uplinks;
  if (c.pod_patterns) s.interfaces.pod_patterns = *c.pod_patterns;
  s.bootstrap = BootstrapInfrastructure(c, cds_address);
  return s;
}

}  // namespace

absl::StatusOr<std::unique_ptr<BpfFeed>> BpfFeed::Start(const BpfConfig& config,
                                                        const std::string& node_name,
                                                        const std::string& cds_address) {
  ASSIGN_OR_RETURN(ebpf::SupervisorConfig settings,
                   SupervisorSettings(config, node_name, cds_address));
  ASSIGN_OR_RETURN(std::unique_ptr<ebpf::Supervisor> supervisor,
                   Annotate(ebpf::Supervisor::Start(settings), "eBPF data plane"));
  log::Info("eBPF data plane running",
            {{"pin_root", config.pin_root},
             {"bootstrap_cds", settings.bootstrap.cds.size()},
             {"bootstrap_api_server", settings.bootstrap.api_server.size()},
             {"bootstrap_dns", settings.bootstrap.dns.size()}});
  return std::unique_ptr<BpfFeed>(new BpfFeed(std::make_unique<Plane>(std::move(supervisor))));
}

void BpfFeed::Apply(const EnforcedPolicy& p) {
  absl::Status st = plane_->supervisor->ApplyBundle(*p.bundle);
  if (!st.ok()) {
    ++failed_;
    log::Error("eBPF policy update failed",
               {{"generation", p.bundle->generation}, {"error", StatusText(st)}});
    return;
  }
  ++applied_;
  generation_ = p.bundle->generation;
  log::Info("eBPF policy updated", {{"generation", p.bundle->generation}});
}

std::string BpfFeed::MetricsText() const { return plane_->supervisor->MetricsText(); }

void BpfFeed::Stop() { plane_->supervisor->Stop(); }

#else

class BpfFeed::Plane {};

absl::StatusOr<std::unique_ptr<BpfFeed>> BpfFeed::Start(const BpfConfig&, const std::string&,
                                                        const std::string&) {
  return absl::FailedPreconditionError(
      "bpf.enabled is true but c8s-node-agent was built without the eBPF data plane "
      "(C8S_WITH_BPF=OFF)");
}

void BpfFeed::Apply(const EnforcedPolicy&) {}
std::string BpfFeed::MetricsText() const { return ""; }
void BpfFeed::Stop() {}

#endif

BpfFeed::BpfFeed(std::unique_ptr<Plane> plane) : plane_(std::move(plane)) {}
BpfFeed::~BpfFeed() { Stop(); }

}  // namespace c8s::agent
