#include "node-agent/hook/host_facts.h"

#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "lib/base/status.h"
#include "lib/base/strings.h"

namespace c8s::hook {
namespace {

bool SameFile(const struct stat& a, const struct stat& b) {
  return a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

std::optional<DeviceNumber> DeviceAt(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return std::nullopt;
  if (!S_ISCHR(st.st_mode) && !S_ISBLK(st.st_mode)) return std::nullopt;
  return DeviceNumber{S_ISCHR(st.st_mode) ? "c" : "b", static_cast<int64_t>(major(st.st_rdev)),
                      static_cast<int64_t>(minor(st.st_rdev))};
}

absl::Status Bad(std::string_view what) {
  return absl::InvalidArgumentError(StrCat("host facts: ", what));
}

}  // namespace

std::string NamespaceFileName(std::string_view oci_type) {
  if (oci_type == "network") return "net";
  if (oci_type == "mount") return "mnt";
  return std::string(oci_type);
}

HostFacts GatherHostFacts(const OciSpec& spec, const HostFactsOptions& o) {
  HostFacts facts;
  for (const OciNamespace& ns : spec.namespaces) {
    if (ns.path.empty()) continue;
    struct stat target {
    }, init{}, self{};
    std::string file = NamespaceFileName(ns.type);
    if (::stat(ns.path.c_str(), &target) != 0) continue;
    bool is_init =
        ::stat(StrCat(o.proc_root, "/1/ns/", file).c_str(), &init) == 0 && SameFile(target, init);
    bool is_self = ::stat(StrCat(o.proc_root, "/self/ns/", file).c_str(), &self) == 0 &&
                   SameFile(target, self);
    facts.host_namespace[ns.path] = is_init || is_self;
  }
  for (const OciMount& m : spec.mounts) {
    if (!m.IsBind() || m.source.empty()) continue;
    char buf[PATH_MAX];
    if (::realpath(m.source.c_str(), buf) != nullptr) facts.resolved_source[m.source] = buf;
  }
  for (const OciDevice& d : spec.devices) {
    if (auto n = DeviceAt(o.dev_prefix + d.path)) facts.host_device[d.path] = *n;
  }
  for (const char* path : kTeeDevicePaths) {
    if (auto n = DeviceAt(o.dev_prefix + path)) facts.tee_devices[path] = *n;
  }
  return facts;
}

namespace {

nlohmann::json DeviceJson(const DeviceNumber& d) {
  return {{"type", d.type}, {"major", d.major}, {"minor", d.minor}};
}

absl::StatusOr<DeviceNumber> DeviceFromJson(const nlohmann::json& j) {
  if (!j.is_object() || !j.contains("type") || !j["type"].is_string() || !j.contains("major") ||
      !j["major"].is_number_integer() || !j.contains("minor") || !j["minor"].is_number_integer()) {
    return Bad("device must be {type, major, minor}");
  }
  DeviceNumber d{j["type"].get<std::string>(), j["major"].get<int64_t>(),
                 j["minor"].get<int64_t>()};
  if (d.type != "c" && d.type != "b") return Bad("device type must be c or b");
  return d;
}

absl::Status Devices(const nlohmann::json& j, const char* key,
                     std::map<std::string, DeviceNumber>* out) {
  auto it = j.find(key);
  if (it == j.end()) return absl::OkStatus();
  if (!it->is_object()) return Bad(StrCat(key, " must be an object"));
  for (const auto& [path, dev] : it->items()) {
    ASSIGN_OR_RETURN((*out)[path], Annotate(DeviceFromJson(dev), key));
  }
  return absl::OkStatus();
}

}  // namespace

nlohmann::json ToJson(const HostFacts& f) {
  nlohmann::json j = nlohmann::json::object();
  j["hostNamespace"] = f.host_namespace;
  j["resolvedSource"] = f.resolved_source;
  j["hostDevice"] = nlohmann::json::object();
  for (const auto& [p, d] : f.host_device) j["hostDevice"][p] = DeviceJson(d);
  j["teeDevices"] = nlohmann::json::object();
  for (const auto& [p, d] : f.tee_devices) j["teeDevices"][p] = DeviceJson(d);
  return j;
}

absl::StatusOr<HostFacts> HostFactsFromJson(const nlohmann::json& j) {
  if (!j.is_object()) return Bad("must be an object");
  HostFacts f;
  if (auto it = j.find("hostNamespace"); it != j.end()) {
    if (!it->is_object()) return Bad("hostNamespace must be an object");
    for (const auto& [p, v] : it->items()) {
      if (!v.is_boolean()) return Bad("hostNamespace values must be booleans");
      f.host_namespace[p] = v.get<bool>();
    }
  }
  if (auto it = j.find("resolvedSource"); it != j.end()) {
    if (!it->is_object()) return Bad("resolvedSource must be an object");
    for (const auto& [p, v] : it->items()) {
      if (!v.is_string()) return Bad("resolvedSource values must be strings");
      f.resolved_source[p] = v.get<std::string>();
    }
  }
  RETURN_IF_ERROR(Devices(j, "hostDevice", &f.host_device));
  RETURN_IF_ERROR(Devices(j, "teeDevices", &f.tee_devices));
  return f;
}

}  // namespace c8s::hook
