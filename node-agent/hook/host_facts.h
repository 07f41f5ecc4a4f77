// What the createRuntime gate needs to know about the host that the spec alone cannot say:
// whether a namespace path names a host namespace, where a bind-mount source really leads
// (symlinks resolved), and the device numbers behind device paths, including the TEE devices.
// The hook gathers them in the runtime's own mount and PID namespaces (where the spec's paths
// mean what runc will make of them) and sends them with the spec; the agent decides.
//
//   ASSIGN_OR_RETURN(OciSpec spec, ParseOciSpec(doc));
//   HostFacts facts = GatherHostFacts(spec, {});
//   nlohmann::json wire = ToJson(facts);
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "node-agent/hook/oci_spec.h"

namespace c8s::hook {

// Device nodes that only the node agent may use, whatever a policy says.
inline constexpr const char* kTeeDevicePaths[] = {"/dev/sev-guest", "/dev/sev", "/dev/tdx_guest",
                                                  "/dev/tdx-guest"};
// The configfs tree whose tsm/report entries produce attestation evidence.
inline constexpr char kConfigfsRoot[] = "/sys/kernel/config";

struct DeviceNumber {
  std::string type;  // "c" or "b"
  int64_t major = 0;
  int64_t minor = 0;
  bool operator==(const DeviceNumber&) const = default;
};

struct HostFacts {
  // Namespace path -> true when it is one of the host's namespaces (pid 1's or the runtime's).
  // A path that could not be examined is absent (the gate refuses it).
  std::map<std::string, bool> host_namespace;
  // Bind-mount source -> its canonical path; absent when it could not be resolved.
  std::map<std::string, std::string> resolved_source;
  // Device path of linux.devices -> the host's device at that path; absent when none.
  std::map<std::string, DeviceNumber> host_device;
  // TEE devices present on this host, by path.
  std::map<std::string, DeviceNumber> tee_devices;
};

struct HostFactsOptions {
  std::string proc_root = "/proc";  // tests point these at fixtures
  std::string dev_prefix = "";      // prepended to device paths (tests)
};

HostFacts GatherHostFacts(const OciSpec& spec, const HostFactsOptions& options);

nlohmann::json ToJson(const HostFacts& facts);
absl::StatusOr<HostFacts> HostFactsFromJson(const nlohmann::json& j);

// "/proc/<pid>/ns/<name>" file name for an OCI namespace type ("network" -> "net").
std::string NamespaceFileName(std::string_view oci_type);

}  // namespace c8s::hook
