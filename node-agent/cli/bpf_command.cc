// `c8s-node-agent bpf install|status|update-policy|uninstall`: the eBPF data plane by hand;
// `bpf run`: the long-running data plane (the supervisor) in the foreground until SIGTERM.
#include <arpa/inet.h>

#include <string>
#include <vector>

#include "lib/base/fd.h"
#include "lib/base/status.h"
#include "lib/base/strings.h"
#include "node-agent/cli/app.h"
#include "node-agent/cli/command.h"

#ifdef C8S_NODE_AGENT_WITH_BPF
#include "lib/base/signals.h"
#include "node-agent/ebpf/data_plane.h"
#include "node-agent/ebpf/kernel_env.h"
#include "node-agent/ebpf/policy_bundle.h"
#include "node-agent/ebpf/policy_compiler.h"
#include "node-agent/ebpf/supervisor.h"
#endif

namespace c8s::node_agent {

#ifdef C8S_NODE_AGENT_WITH_BPF
namespace {

struct BpfFlags {
  std::string pin_root = ebpf::kDefaultPinRoot;
  std::vector<std::string> uplinks;
  std::vector<std::string> pod_interfaces;
  std::string pod_cgroup;
  uint64_t events_per_sec = 100;
  std::string bundle;
  std::string node_name;
  std::string proxy_cgroup;
  std::string redirect;
  std::string redirect_v6;
  uint16_t kubelet_port = 10250;
  std::vector<uint16_t> ingress_ports;
  // bpf run
  std::vector<std::string> uplink_patterns, pod_patterns;
  bool no_default_route_uplinks = false;
  manifest::BundleInfrastructure bootstrap;
  uint32_t log_lines_per_sec = 20;
  uint32_t rescan_ms = 5000;
};

int Report(CommandContext& ctx, const absl::Status& st, const char* what) {
  if (st.ok()) return kExitOk;
  ctx.err << "c8s-node-agent bpf " << what << ": " << StatusText(st) << "\n";
  return absl::IsInvalidArgument(st) ? kExitUsage : kExitFailed;
}

absl::Status RunUpdatePolicy(const BpfFlags& f) {
  ASSIGN_OR_RETURN(std::string text, ReadFile(f.bundle));
  ASSIGN_OR_RETURN(ebpf::PolicyBundle bundle, ebpf::ParsePolicyBundle(text));
  ebpf::NodeSettings node;
  node.node_name = f.node_name;
  node.kubelet_port = f.kubelet_port;
  node.ingress_ports = f.ingress_ports;
  if (!f.proxy_cgroup.empty()) {
    std::string path = f.proxy_cgroup;
    if (path[0] != '/') {
      ASSIGN_OR_RETURN(std::string mount, ebpf::FindCgroup2Mount());
      path = StrCat(mount, "/", path);
    }
    ASSIGN_OR_RETURN(node.proxy_cgroup_id, ebpf::CgroupId(path));
  }
  if (!f.redirect.empty()) {
    ASSIGN_OR_RETURN(node.redirect, ebpf::ParseEndpoint(f.redirect));
  }
  if (!f.redirect_v6.empty()) {
    ASSIGN_OR_RETURN(node.redirect_v6, ebpf::ParseIp(f.redirect_v6));
    if (node.redirect_v6.family != 6)
      return absl::InvalidArgumentError(
          StrCat("--redirect-v6 ", f.redirect_v6, ": not an IPv6 address"));
  }
  ASSIGN_OR_RETURN(ebpf::CompiledPolicy compiled, ebpf::CompilePolicy(bundle, node));
  return ebpf::UpdatePolicy(f.pin_root, compiled);
}

absl::Status RunSupervisor(const BpfFlags& f, std::ostream& out) {
  ebpf::SupervisorConfig cfg;
  cfg.pin_root = f.pin_root;
  cfg.node_name = f.node_name;
  cfg.pod_cgroup = f.pod_cgroup;
  cfg.proxy_cgroup = f.proxy_cgroup;
  if (!f.redirect.empty()) {
    ASSIGN_OR_RETURN(cfg.redirect, ebpf::ParseEndpoint(f.redirect));
  }
  if (!f.redirect_v6.empty()) {
    ASSIGN_OR_RETURN(cfg.redirect_v6, ebpf::ParseIp(f.redirect_v6));
  }
  cfg.kubelet_port = f.kubelet_port;
  cfg.ingress_ports = f.ingress_ports;
  cfg.interfaces.uplinks = f.uplinks;
  cfg.interfaces.uplink_patterns = f.uplink_patterns;
  cfg.interfaces.default_route_uplinks = !f.no_default_route_uplinks;
  if (!f.pod_patterns.empty()) cfg.interfaces.pod_patterns = f.pod_patterns;
  cfg.bootstrap = f.bootstrap;
  cfg.events_per_sec = f.events_per_sec;
  cfg.log_lines_per_sec = f.log_lines_per_sec;
  cfg.rescan_ms = f.rescan_ms;
  ShutdownSignal shutdown;  // before the supervisor's thread starts: it inherits the mask
  ASSIGN_OR_RETURN(std::unique_ptr<ebpf::Supervisor> dp, ebpf::Supervisor::Start(cfg));
  out << "data plane running under " << f.pin_root << std::endl;
  shutdown.Wait();
  dp->Stop();  // programs stay attached and pinned: enforcement continues without us
  return absl::OkStatus();
}

}  // namespace

void RegisterBpfCommands(CLI::App& app, CommandContext& ctx) {
  auto flags = std::make_shared<BpfFlags>();
  CLI::App* bpf = app.add_subcommand("bpf", "Install, inspect and remove the eBPF data plane");
  bpf->require_subcommand(1);
  bpf->add_option("--pin-root", flags->pin_root, "bpffs directory for pins")->capture_default_str();

  CLI::App* install = bpf->add_subcommand(
      "install", "Load and attach the programs (idempotent; re-adopts pinned links)");
  install->add_option("--uplink", flags->uplinks, "Uplink interface (repeatable)");
  install->add_option("--pod-interface", flags->pod_interfaces,
                      "Pod's host-side interface (repeatable; `bpf run` finds them by pattern)");
  install->add_option("--pod-cgroup", flags->pod_cgroup,
                      "Pods' parent cgroup v2 (absolute or relative to the cgroup2 mount)");
  install->add_option("--events-per-sec", flags->events_per_sec, "Deny events per CPU/second")
      ->capture_default_str();
  install->callback([flags, &ctx] {
    ebpf::InstallOptions o;
    o.pin_root = flags->pin_root;
    o.uplinks = flags->uplinks;
    o.pod_interfaces = flags->pod_interfaces;
    o.pod_cgroup = flags->pod_cgroup;
    o.events_per_sec = flags->events_per_sec;
    ctx.exit_code = Report(ctx, ebpf::Install(o), "install");
    if (ctx.exit_code == kExitOk) ctx.out << "installed under " << o.pin_root << "\n";
  });

  CLI::App* status =
      bpf->add_subcommand("status", "Print attached programs, policy generation and counters");
  status->callback([flags, &ctx] {
    auto st = ebpf::GetStatus(flags->pin_root);
    ctx.exit_code = Report(ctx, st.status(), "status");
    if (st.ok()) ctx.out << ebpf::FormatStatus(*st);
  });

  CLI::App* update = bpf->add_subcommand(
      "update-policy", "Compile a verified node policy bundle into the maps (atomic switch)");
  update->add_option("--bundle", flags->bundle, "Policy bundle JSON file")->required();
  update->add_option("--node-name", flags->node_name, "This node's name in bundle.nodes");
  update->add_option("--proxy-cgroup", flags->proxy_cgroup, "Mesh proxy's cgroup v2");
  update->add_option("--redirect", flags->redirect, "Mesh outbound listener host:port");
  update->add_option("--redirect-v6", flags->redirect_v6,
                     "IPv6 address of the same listener (same port) for IPv6 pod connects");
  update->add_option("--kubelet-port", flags->kubelet_port, "Kubelet port")->capture_default_str();
  update->add_option("--ingress-port", flags->ingress_ports, "Extra TCP port open to any source");
  update->callback([flags, &ctx] {
    ctx.exit_code = Report(ctx, RunUpdatePolicy(*flags), "update-policy");
    if (ctx.exit_code == kExitOk) ctx.out << "policy applied\n";
  });

  CLI::App* run = bpf->add_subcommand(
      "run",
      "Run the data plane in the foreground: attach to uplinks and pods' interfaces as they "
      "appear, log denied flows, watch for displacement; SIGTERM stops it, enforcement stays");
  run->add_option("--node-name", flags->node_name, "This node's name in bundle.nodes");
  run->add_option("--pod-cgroup", flags->pod_cgroup, "Pods' parent cgroup v2");
  run->add_option("--proxy-cgroup", flags->proxy_cgroup, "Mesh proxy's cgroup v2");
  run->add_option("--redirect", flags->redirect, "Mesh outbound listener host:port");
  run->add_option("--redirect-v6", flags->redirect_v6, "IPv6 address of the same listener");
  run->add_option("--kubelet-port", flags->kubelet_port, "Kubelet port")->capture_default_str();
  run->add_option("--ingress-port", flags->ingress_ports, "Extra TCP port open to any source");
  run->add_option("--uplink", flags->uplinks, "Uplink interface name (repeatable)");
  run->add_option("--uplink-pattern", flags->uplink_patterns, "Uplink name pattern (fnmatch)");
  run->add_flag("--no-default-route-uplinks", flags->no_default_route_uplinks,
                "Do not treat interfaces carrying a default route as uplinks");
  run->add_option("--pod-pattern", flags->pod_patterns,
                  "Pods' host-side interface pattern (default veth*, cali*, lxc*)");
  run->add_option("--bootstrap-cds", flags->bootstrap.cds, "CDS ip:port before the first bundle");
  run->add_option("--bootstrap-api-server", flags->bootstrap.api_server, "API server ip:port");
  run->add_option("--bootstrap-dns", flags->bootstrap.dns, "DNS ip:port");
  run->add_option("--bootstrap-metadata", flags->bootstrap.metadata, "Metadata service ip:port");
  run->add_option("--bootstrap-time", flags->bootstrap.time, "Time server ip:port (UDP)");
  run->add_option("--events-per-sec", flags->events_per_sec, "Deny events per CPU/second")
      ->capture_default_str();
  run->add_option("--log-lines-per-sec", flags->log_lines_per_sec, "Deny log lines per second")
      ->capture_default_str();
  run->add_option("--rescan-ms", flags->rescan_ms, "Periodic interface rescan")
      ->capture_default_str();
  run->callback(
      [flags, &ctx] { ctx.exit_code = Report(ctx, RunSupervisor(*flags, ctx.out), "run"); });

  CLI::App* uninstall = bpf->add_subcommand("uninstall", "Detach every program, remove all pins");
  uninstall->callback([flags, &ctx] {
    ctx.exit_code = Report(ctx, ebpf::Uninstall(flags->pin_root), "uninstall");
  });
}

#else

void RegisterBpfCommands(CLI::App& app, CommandContext& ctx) {
  CLI::App* bpf = app.add_subcommand("bpf", "eBPF data plane (not built: C8S_WITH_BPF=OFF)");
  bpf->callback([&ctx] {
    ctx.err << "c8s-node-agent was built without the eBPF data plane (C8S_WITH_BPF=OFF)\n";
    ctx.exit_code = kExitFailed;
  });
}

#endif

}  // namespace c8s::node_agent
