// Host namespaces: a namespace type missing from linux.namespaces is the runtime's (the host's),
// and so is a namespace joined by a path that names a host namespace. Pod containers join their
// sandbox's namespaces by path, which is fine.
#include "lib/base/strings.h"
#include "node-agent/hook/runtime_check.h"

namespace c8s::hook {

void CheckNamespaces(const OciSpec& spec, const HostFacts& facts,
                     const manifest::RuntimePolicy& policy, std::vector<std::string>& out) {
  struct Rule {
    const char* type;
    bool allowed;
    const char* field;
  };
  // Kubernetes gives hostNetwork pods the host's UTS namespace as well.
  const Rule rules[] = {{"network", policy.host_network, "hostNetwork"},
                        {"uts", policy.host_network, "hostNetwork"},
                        {"pid", policy.host_pid, "hostPID"},
                        {"ipc", policy.host_ipc, "hostIPC"},
                        {"mount", false, "(never)"}};
  for (const Rule& r : rules) {
    const OciNamespace* ns = nullptr;
    for (const OciNamespace& n : spec.namespaces) {
      if (n.type == r.type) ns = &n;
    }
    if (ns == nullptr) {
      if (!r.allowed) {
        out.push_back(StrCat("host namespaces: the spec shares the host's ", r.type,
                             " namespace (no linux.namespaces entry) but ", r.field, " is false"));
      }
      continue;
    }
    if (ns->path.empty()) continue;
    auto it = facts.host_namespace.find(ns->path);
    if (it == facts.host_namespace.end()) {
      out.push_back(StrCat("host namespaces: ", r.type, " namespace path ", ns->path,
                           " could not be examined on the host"));
    } else if (it->second && !r.allowed) {
      out.push_back(StrCat("host namespaces: ", r.type, " namespace path ", ns->path,
                           " is the host's but ", r.field, " is false"));
    }
  }
}

}  // namespace c8s::hook
