// Mounts: filesystem types an unprivileged container gets from its runtime, and bind mounts,
// which must come from the pod's own volume directories or from a hostPaths grant (read-only
// when the grant says so). The TEE devices and configfs are never reachable, not even through
// an ancestor directory ("/", "/dev", "/sys").
#include <algorithm>

#include "lib/base/strings.h"
#include "node-agent/hook/runtime_check.h"

namespace c8s::hook {
namespace {

bool IsTeePath(std::string_view path) {
  auto touches = [&](std::string_view protected_path) {
    return PathWithin(path, protected_path) || PathWithin(protected_path, path);
  };
  for (const char* tee : kTeeDevicePaths) {
    if (touches(tee)) return true;
  }
  return touches(kConfigfsRoot);
}

bool IsPodVolume(std::string_view resolved, const RuntimeCheckContext& ctx) {
  if (!ctx.pod_uid.empty() &&
      PathWithin(resolved, StrCat(ctx.roots.kubelet_root, "/pods/", ctx.pod_uid))) {
    return true;
  }
  if (ctx.sandbox_id.empty()) return false;
  for (const std::string& root : ctx.roots.containerd_roots) {
    if (PathWithin(resolved,
                   StrCat(root, "/io.containerd.grpc.v1.cri/sandboxes/", ctx.sandbox_id))) {
      return true;
    }
  }
  return false;
}

void CheckBind(const OciMount& m, const HostFacts& facts, const manifest::RuntimePolicy& policy,
               const RuntimeCheckContext& ctx, std::vector<std::string>& out) {
  std::string where = StrCat("mount ", m.destination, ": ");
  if (!policy.privileged && (m.HasOption("shared") || m.HasOption("rshared"))) {
    out.push_back(StrCat(where, "bidirectional (shared) propagation needs privileged: true"));
  }
  auto it = facts.resolved_source.find(m.source);
  if (m.source.empty() || it == facts.resolved_source.end()) {
    out.push_back(
        StrCat(where, "bind source \"", m.source, "\" could not be resolved on the host"));
    return;
  }
  const std::string& resolved = it->second;
  std::string from = resolved == m.source ? StrCat("host path ", resolved)
                                          : StrCat("host path ", m.source, " (-> ", resolved, ")");
  if (IsTeePath(resolved)) {
    out.push_back(StrCat(where, from,
                         " reaches the TEE devices or configfs-tsm, which no policy "
                         "can allow"));
    return;
  }
  if (IsPodVolume(resolved, ctx)) return;
  // hostIPC pods get the host's /dev/shm (containerd binds it instead of the sandbox's own).
  if (policy.host_ipc && resolved == "/dev/shm") return;
  for (const manifest::HostPath& grant : policy.host_paths) {
    if (!PathWithin(resolved, grant.path)) continue;
    if (grant.read_only && !m.HasOption("ro")) {
      out.push_back(StrCat(where, from, " is mounted read-write but hostPaths grants ", grant.path,
                           " read-only"));
    }
    return;
  }
  std::string granted;
  for (const manifest::HostPath& g : policy.host_paths) {
    granted += (granted.empty() ? "" : ", ") + g.path;
  }
  out.push_back(StrCat(where, from, " is not allowed (hostPaths: [", granted, "])"));
}

}  // namespace

void CheckMounts(const OciSpec& spec, const HostFacts& facts, const manifest::RuntimePolicy& policy,
                 const RuntimeCheckContext& ctx, std::vector<std::string>& out) {
  static const char* kUnprivilegedTypes[] = {"proc",  "tmpfs",  "devpts", "mqueue",
                                             "sysfs", "cgroup", "cgroup2"};
  if (!policy.privileged &&
      (spec.rootfs_propagation == "shared" || spec.rootfs_propagation == "rshared")) {
    out.push_back(
        StrCat("linux.rootfsPropagation ", spec.rootfs_propagation, " needs privileged: true"));
  }
  for (const OciMount& m : spec.mounts) {
    if (m.IsBind()) {
      CheckBind(m, facts, policy, ctx, out);
      continue;
    }
    std::string where = StrCat("mount ", m.destination, ": ");
    if (m.type == "configfs") {
      out.push_back(StrCat(where, "configfs (the configfs-tsm tree) can never be mounted"));
      continue;
    }
    if (policy.privileged) continue;
    bool known = std::any_of(std::begin(kUnprivilegedTypes), std::end(kUnprivilegedTypes),
                             [&](const char* t) { return m.type == t; });
    if (!known) {
      out.push_back(StrCat(where, "filesystem type \"", m.type, "\" (source \"", m.source,
                           "\") needs privileged: true"));
    } else if ((m.type == "sysfs" || m.type == "cgroup" || m.type == "cgroup2") &&
               !m.HasOption("ro")) {
      out.push_back(StrCat(where, m.type, " mounted read-write needs privileged: true"));
    }
  }
}

}  // namespace c8s::hook
