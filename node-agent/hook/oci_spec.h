// The parts of an OCI runtime spec (config.json, runtime-spec v1.0-v1.2) that the createRuntime
// gate decides on, read strictly: a field the gate checks must have the type the spec defines,
// or the whole spec is refused (a gate must not skip what it cannot read). Fields the gate does
// not check are ignored.
//
//   ASSIGN_OR_RETURN(nlohmann::json doc, ParseOciJson(text, "config.json"));
//   ASSIGN_OR_RETURN(OciSpec spec, ParseOciSpec(doc));
//   for (const OciMount& m : spec.mounts) ...
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace c8s::hook {

struct OciCapabilities {
  std::vector<std::string> bounding, effective, inheritable, permitted, ambient;  // "CAP_..."
};

struct OciProcess {
  std::vector<std::string> args;
  std::vector<std::string> env;  // "KEY=value"
  uint32_t uid = 0;
  uint32_t gid = 0;
  OciCapabilities capabilities;
};

struct OciMount {
  std::string destination;
  std::string type;    // may be empty (bind mounts written as options only)
  std::string source;  // may be empty
  std::vector<std::string> options;
  // runc treats a mount as a bind when its type is "bind" or its options hold bind/rbind.
  bool IsBind() const;
  bool HasOption(std::string_view option) const;
};

struct OciNamespace {
  std::string type;  // pid, network, mount, ipc, uts, user, cgroup, time
  std::string path;  // empty: a new namespace; else join the namespace at this path
};

struct OciDevice {
  std::string path;
  std::string type;  // c, b, u, p
  int64_t major = 0;
  int64_t minor = 0;
};

// linux.resources.devices: the device cgroup (v1) / eBPF device filter (v2) rules.
struct OciDeviceRule {
  bool allow = false;
  std::string type;              // "a", "c", "b"; empty means all
  std::optional<int64_t> major;  // absent or -1: any
  std::optional<int64_t> minor;
  std::string access;  // subset of "rwm"; empty means "rwm"
};

struct OciSpec {
  OciProcess process;
  std::string root_path;
  bool root_readonly = false;
  std::vector<OciMount> mounts;
  std::vector<OciNamespace> namespaces;
  std::vector<OciDevice> devices;
  std::vector<OciDeviceRule> device_rules;
  std::vector<std::string> masked_paths;
  std::vector<std::string> readonly_paths;
  std::string rootfs_propagation;
  std::map<std::string, std::string> annotations;
};

// The CRI annotations containerd writes into every container's spec.
inline constexpr char kAnnotationContainerType[] = "io.kubernetes.cri.container-type";
inline constexpr char kAnnotationSandboxId[] = "io.kubernetes.cri.sandbox-id";
inline constexpr char kAnnotationSandboxNamespace[] = "io.kubernetes.cri.sandbox-namespace";
inline constexpr char kAnnotationSandboxName[] = "io.kubernetes.cri.sandbox-name";
inline constexpr char kAnnotationSandboxUid[] = "io.kubernetes.cri.sandbox-uid";

// InvalidArgument "config.json: <json path>: <problem>".
absl::StatusOr<OciSpec> ParseOciSpec(const nlohmann::json& doc);

}  // namespace c8s::hook
