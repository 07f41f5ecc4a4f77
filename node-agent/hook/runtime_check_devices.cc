// Devices: device nodes in linux.devices must be granted by the policy and be the host's device
// at that path; device cgroup rules may open only the standard pseudo devices and the granted
// ones. TEE devices are refused by path and by number, whatever the policy.
#include <algorithm>

#include "lib/base/strings.h"
#include "node-agent/hook/runtime_check.h"

namespace c8s::hook {
namespace {

std::string Describe(const DeviceNumber& d) { return StrCat(d.type, " ", d.major, ":", d.minor); }

// What every container may open (runc grants these itself): null, zero, full, random, urandom,
// tty, console, ptmx, and pseudo-terminals (136:*).
bool IsStandardDevice(const std::string& type, int64_t major, std::optional<int64_t> minor) {
  if (type != "c") return false;
  if (major == 136) return true;
  if (!minor) return false;
  static const std::pair<int64_t, int64_t> kStd[] = {{1, 3}, {1, 5}, {1, 7}, {1, 8},
                                                     {1, 9}, {5, 0}, {5, 1}, {5, 2}};
  return std::find(std::begin(kStd), std::end(kStd), std::make_pair(major, *minor)) !=
         std::end(kStd);
}

bool IsTeeDevicePath(std::string_view path) {
  for (const char* tee : kTeeDevicePaths) {
    if (path == tee) return true;
  }
  return false;
}

// The TEE device a rule (with wildcards) covers, if any.
const std::pair<const std::string, DeviceNumber>* CoveredTee(const OciDeviceRule& r,
                                                             const HostFacts& facts) {
  for (const auto& entry : facts.tee_devices) {
    const DeviceNumber& d = entry.second;
    bool type_ok = r.type.empty() || r.type == "a" || r.type == d.type;
    bool major_ok = !r.major || *r.major == d.major;
    bool minor_ok = !r.minor || *r.minor == d.minor;
    if (type_ok && major_ok && minor_ok) return &entry;
  }
  return nullptr;
}

}  // namespace

void CheckDevices(const OciSpec& spec, const HostFacts& facts,
                  const manifest::RuntimePolicy& policy, std::vector<std::string>& out) {
  std::vector<DeviceNumber> granted;
  for (const OciDevice& d : spec.devices) {
    std::string where = StrCat("device ", d.path, ": ");
    DeviceNumber declared{d.type, d.major, d.minor};
    bool tee_number = std::any_of(facts.tee_devices.begin(), facts.tee_devices.end(),
                                  [&](const auto& e) { return e.second == declared; });
    if (IsTeeDevicePath(d.path) || tee_number) {
      out.push_back(StrCat(where, "TEE devices are reserved to the node agent (declared ",
                           Describe(declared), ")"));
      continue;
    }
    if (policy.privileged) {
      granted.push_back(declared);
      continue;
    }
    if (std::find(policy.devices.begin(), policy.devices.end(), d.path) == policy.devices.end()) {
      std::string list;
      for (const std::string& p : policy.devices) list += (list.empty() ? "" : ", ") + p;
      out.push_back(StrCat(where, "not allowed (devices: [", list, "])"));
      continue;
    }
    auto host = facts.host_device.find(d.path);
    if (host == facts.host_device.end()) {
      out.push_back(StrCat(where, "there is no such device on the host"));
    } else if (!(host->second == declared)) {
      out.push_back(StrCat(where, "declared as ", Describe(declared), " but the host's is ",
                           Describe(host->second)));
    } else {
      granted.push_back(declared);
    }
  }

  for (size_t i = 0; i < spec.device_rules.size(); ++i) {
    const OciDeviceRule& r = spec.device_rules[i];
    std::string access = r.access.empty() ? "rwm" : r.access;
    if (!r.allow || access.find_first_of("rw") == std::string::npos) continue;
    std::string rule = StrCat("device cgroup rule ", i, " (", r.type.empty() ? "a" : r.type, " ",
                              r.major ? std::to_string(*r.major) : "*", ":",
                              r.minor ? std::to_string(*r.minor) : "*", " ", access, "): ");
    if (const auto* tee = CoveredTee(r, facts)) {
      out.push_back(StrCat(rule, "opens the TEE device ", tee->first, " (", Describe(tee->second),
                           "), which no policy can allow"));
      continue;
    }
    if (policy.privileged) continue;
    bool concrete = (r.type == "c" || r.type == "b") && r.major.has_value();
    if (concrete && IsStandardDevice(r.type, *r.major, r.minor)) continue;
    bool is_granted = concrete && r.minor.has_value() &&
                      std::any_of(granted.begin(), granted.end(), [&](const DeviceNumber& g) {
                        return g == DeviceNumber{r.type, *r.major, *r.minor};
                      });
    if (!is_granted) {
      out.push_back(StrCat(rule, concrete && r.minor ? "opens a device no granted device entry "
                                                       "declares"
                                                     : "opens a whole class of devices, which "
                                                       "needs privileged: true"));
    }
  }
}

}  // namespace c8s::hook
