#include "node-agent/agent/bpf_feed.h"

#include "lib/base/log.h"
#include "lib/base/status.h"
#include "lib/base/strings.h"

#ifdef C8S_NODE_AGENT_WITH_BPF
#include "node-agent/ebpf/data_plane.h"
#include "node-agent/ebpf/kernel_env.h"
#include "node-agent/ebpf/policy_bundle.h"
#include "node-agent/ebpf/policy_compiler.h"
#endif

namespace c8s::agent {

#ifdef C8S_NODE_AGENT_WITH_BPF

namespace {

absl::StatusOr<ebpf::CompiledPolicy> Compile(const BpfConfig& c, const std::string& node_name,
                                             const std::string& signed_json) {
  ASSIGN_OR_RETURN(ebpf::PolicyBundle bundle, ebpf::ParsePolicyBundle(signed_json));
  ebpf::NodeSettings node;
  node.node_name = node_name;
  node.kubelet_port = c.kubelet_port;
  node.ingress_ports = c.ingress_ports;
  if (!c.proxy_cgroup.empty()) {
    std::string path = c.proxy_cgroup;
    if (path[0] != '/') {
      ASSIGN_OR_RETURN(std::string mount, ebpf::FindCgroup2Mount());
      path = StrCat(mount, "/", path);
    }
    ASSIGN_OR_RETURN(node.proxy_cgroup_id, ebpf::CgroupId(path));
  }
  if (!c.redirect.empty()) {
    ASSIGN_OR_RETURN(node.redirect, ebpf::ParseEndpoint(c.redirect));
  }
  return ebpf::CompilePolicy(bundle, node);
}

}  // namespace

absl::StatusOr<std::unique_ptr<BpfFeed>> BpfFeed::Start(const BpfConfig& config,
                                                        const std::string& node_name) {
  ebpf::InstallOptions o;
  o.pin_root = config.pin_root;
  o.uplinks = config.uplinks;
  o.pod_cgroup = config.pod_cgroup;
  RETURN_IF_ERROR(Annotate(ebpf::Install(o), "eBPF data plane"));
  log::Info("eBPF data plane installed",
            {{"pin_root", config.pin_root}, {"uplinks", config.uplinks.size()}});
  return std::unique_ptr<BpfFeed>(new BpfFeed(config, node_name));
}

void BpfFeed::Apply(const EnforcedPolicy& p) {
  absl::Status st = [&]() -> absl::Status {
    ASSIGN_OR_RETURN(ebpf::CompiledPolicy compiled, Compile(config_, node_name_, p.signed_json));
    return ebpf::UpdatePolicy(config_.pin_root, compiled);
  }();
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

#else

absl::StatusOr<std::unique_ptr<BpfFeed>> BpfFeed::Start(const BpfConfig&, const std::string&) {
  return absl::FailedPreconditionError(
      "bpf.enabled is true but c8s-node-agent was built without the eBPF data plane "
      "(C8S_WITH_BPF=OFF)");
}

void BpfFeed::Apply(const EnforcedPolicy&) {}

#endif

}  // namespace c8s::agent
