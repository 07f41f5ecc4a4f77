#include "node-agent/hook/runtime_check.h"

#include <algorithm>

#include "lib/base/strings.h"

namespace c8s::hook {
namespace {

bool Contains(const std::vector<std::string>& v, std::string_view s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

// The kernel interfaces every unprivileged container runtime hides or freezes; a spec without
// them is a privileged spec (containerd and runc leave both lists empty for privileged ones).
void CheckProcfsProtections(const OciSpec& spec, std::vector<std::string>& out) {
  for (const char* p : {"/proc/kcore", "/sys/firmware"}) {
    if (!Contains(spec.masked_paths, p)) {
      out.push_back(StrCat("privileged: ", p, " is not in linux.maskedPaths (privileged: false)"));
    }
  }
  for (const char* p : {"/proc/sys", "/proc/sysrq-trigger"}) {
    if (!Contains(spec.readonly_paths, p)) {
      out.push_back(
          StrCat("privileged: ", p, " is not in linux.readonlyPaths (privileged: false)"));
    }
  }
}

}  // namespace

bool PathWithin(std::string_view path, std::string_view root) {
  if (root == "/") return !path.empty() && path[0] == '/';
  if (path.substr(0, root.size()) != root) return false;
  return path.size() == root.size() || path[root.size()] == '/';
}

const std::vector<std::string>& DefaultCapabilities() {
  static const std::vector<std::string> kDefault = {
      "AUDIT_WRITE",      "CHOWN",   "DAC_OVERRIDE", "FOWNER", "FSETID",  "KILL",   "MKNOD",
      "NET_BIND_SERVICE", "NET_RAW", "SETFCAP",      "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT"};
  return kDefault;
}

std::vector<std::string> CheckRuntimePolicy(const OciSpec& spec, const HostFacts& facts,
                                            const manifest::RuntimePolicy& policy,
                                            const RuntimeCheckContext& ctx) {
  std::vector<std::string> out;
  if (!policy.privileged) {
    CheckCapabilities(spec, policy, out);
    CheckProcfsProtections(spec, out);
  }
  CheckNamespaces(spec, facts, policy, out);
  CheckMounts(spec, facts, policy, ctx, out);
  CheckDevices(spec, facts, policy, out);
  if (policy.run_as_non_root && spec.process.uid == 0) {
    out.push_back("runAsNonRoot: process.user.uid is 0 (root)");
  }
  if (policy.read_only_root_filesystem && !spec.root_readonly) {
    out.push_back("readOnlyRootFilesystem: root.readonly is not true");
  }
  return out;
}

}  // namespace c8s::hook
