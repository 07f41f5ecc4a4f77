// The identity's runtime policy (MANIFEST.md `runtime`) checked against a container's full OCI
// spec: privileged signatures, capabilities (NET_RAW dropped by default), host namespaces,
// bind mounts from the host, devices and device cgroup rules, the user and the root filesystem.
// TEE devices and the configfs-tsm tree are refused whatever the policy says. Every violation
// is listed, each naming what the spec asked for and what the policy allows.
//
//   RuntimeCheckContext ctx{.pod_uid = admission.pod_uid, .sandbox_id = ...};
//   std::vector<std::string> v = CheckRuntimePolicy(spec, facts, identity.runtime, ctx);
//   if (!v.empty()) deny(StrJoin(v, "; "));
#pragma once

#include <string>
#include <vector>

#include "lib/manifest/model.h"
#include "node-agent/hook/host_facts.h"
#include "node-agent/hook/oci_spec.h"

namespace c8s::hook {

// Where a pod's own volumes live on the node; bind mounts from there are the pod's, not the
// host's (emptyDir, configMap, secret, projected token, /etc/hosts, termination log).
struct VolumeRoots {
  std::string kubelet_root = "/var/lib/kubelet";
  // containerd CRI per-sandbox files (hostname, resolv.conf, hosts, /dev/shm).
  std::vector<std::string> containerd_roots = {"/var/lib/containerd", "/run/containerd"};
};

struct RuntimeCheckContext {
  std::string pod_uid;     // from the admission record; empty: no pod volumes allowed
  std::string sandbox_id;  // from the spec's CRI annotation; empty: no sandbox files allowed
  VolumeRoots roots;
};

// Linux capabilities a container has without asking (containerd's and Docker's default set);
// NET_RAW is among them and is removed unless the policy adds it back.
const std::vector<std::string>& DefaultCapabilities();

std::vector<std::string> CheckRuntimePolicy(const OciSpec& spec, const HostFacts& facts,
                                            const manifest::RuntimePolicy& policy,
                                            const RuntimeCheckContext& ctx);

// The parts, each appending violations (runtime_check_*.cc).
void CheckCapabilities(const OciSpec& spec, const manifest::RuntimePolicy& policy,
                       std::vector<std::string>& out);
void CheckNamespaces(const OciSpec& spec, const HostFacts& facts,
                     const manifest::RuntimePolicy& policy, std::vector<std::string>& out);
void CheckMounts(const OciSpec& spec, const HostFacts& facts, const manifest::RuntimePolicy& policy,
                 const RuntimeCheckContext& ctx, std::vector<std::string>& out);
void CheckDevices(const OciSpec& spec, const HostFacts& facts,
                  const manifest::RuntimePolicy& policy, std::vector<std::string>& out);

// True when `path` equals `root` or lies below it (both normalized, absolute).
bool PathWithin(std::string_view path, std::string_view root);

}  // namespace c8s::hook
