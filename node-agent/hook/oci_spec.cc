#include "node-agent/hook/oci_spec.h"

#include <algorithm>

#include "lib/base/status.h"
#include "lib/base/strings.h"

namespace c8s::hook {
namespace {

using Json = nlohmann::json;

std::string Join(std::string_view path, std::string_view key) {
  return path.empty() ? std::string(key) : StrCat(path, ".", key);
}

absl::Status Bad(std::string_view path, std::string_view problem) {
  return absl::InvalidArgumentError(StrCat("config.json: ", path, ": ", problem));
}

// The member, or nullptr when absent or null (OCI writes optional fields as absent or null).
const Json* Find(const Json& obj, const char* key) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return nullptr;
  return &*it;
}

absl::Status Object(const Json* j, std::string_view path) {
  if (j != nullptr && !j->is_object()) return Bad(path, "must be an object");
  return absl::OkStatus();
}

absl::Status String(const Json& obj, const char* key, std::string_view path, std::string* out) {
  const Json* j = Find(obj, key);
  if (j == nullptr) return absl::OkStatus();
  if (!j->is_string()) return Bad(Join(path, key), "must be a string");
  *out = j->get<std::string>();
  return absl::OkStatus();
}

absl::Status Bool(const Json& obj, const char* key, std::string_view path, bool* out) {
  const Json* j = Find(obj, key);
  if (j == nullptr) return absl::OkStatus();
  if (!j->is_boolean()) return Bad(Join(path, key), "must be a boolean");
  *out = j->get<bool>();
  return absl::OkStatus();
}

absl::Status Int(const Json& obj, const char* key, std::string_view path, int64_t min, int64_t max,
                 std::optional<int64_t>* out) {
  const Json* j = Find(obj, key);
  if (j == nullptr) return absl::OkStatus();
  if (!j->is_number_integer()) return Bad(Join(path, key), "must be an integer");
  if (j->is_number_unsigned() && j->get<uint64_t>() > static_cast<uint64_t>(max)) {
    return Bad(Join(path, key), StrCat("out of range [", min, ", ", max, "]"));
  }
  int64_t v = j->get<int64_t>();
  if (v < min || v > max) {
    return Bad(Join(path, key), StrCat(v, " is out of range [", min, ", ", max, "]"));
  }
  *out = v;
  return absl::OkStatus();
}

absl::Status Strings(const Json& obj, const char* key, std::string_view path,
                     std::vector<std::string>* out) {
  const Json* j = Find(obj, key);
  if (j == nullptr) return absl::OkStatus();
  std::string p = Join(path, key);
  if (!j->is_array()) return Bad(p, "must be an array of strings");
  for (size_t i = 0; i < j->size(); ++i) {
    if (!(*j)[i].is_string()) return Bad(StrCat(p, "[", i, "]"), "must be a string");
    out->push_back((*j)[i].get<std::string>());
  }
  return absl::OkStatus();
}

template <typename T, typename F>
absl::Status Objects(const Json& obj, const char* key, std::string_view path, std::vector<T>* out,
                     F parse) {
  const Json* j = Find(obj, key);
  if (j == nullptr) return absl::OkStatus();
  std::string p = Join(path, key);
  if (!j->is_array()) return Bad(p, "must be an array");
  for (size_t i = 0; i < j->size(); ++i) {
    std::string ep = StrCat(p, "[", i, "]");
    if (!(*j)[i].is_object()) return Bad(ep, "must be an object");
    T item;
    RETURN_IF_ERROR(parse((*j)[i], ep, &item));
    out->push_back(std::move(item));
  }
  return absl::OkStatus();
}

absl::Status ParseProcess(const Json& p, OciProcess* out) {
  RETURN_IF_ERROR(Strings(p, "args", "process", &out->args));
  RETURN_IF_ERROR(Strings(p, "env", "process", &out->env));
  const Json* user = Find(p, "user");
  RETURN_IF_ERROR(Object(user, "process.user"));
  if (user != nullptr) {
    std::optional<int64_t> uid, gid;
    RETURN_IF_ERROR(Int(*user, "uid", "process.user", 0, UINT32_MAX, &uid));
    RETURN_IF_ERROR(Int(*user, "gid", "process.user", 0, UINT32_MAX, &gid));
    out->uid = static_cast<uint32_t>(uid.value_or(0));
    out->gid = static_cast<uint32_t>(gid.value_or(0));
  }
  const Json* caps = Find(p, "capabilities");
  RETURN_IF_ERROR(Object(caps, "process.capabilities"));
  if (caps != nullptr) {
    const char* path = "process.capabilities";
    RETURN_IF_ERROR(Strings(*caps, "bounding", path, &out->capabilities.bounding));
    RETURN_IF_ERROR(Strings(*caps, "effective", path, &out->capabilities.effective));
    RETURN_IF_ERROR(Strings(*caps, "inheritable", path, &out->capabilities.inheritable));
    RETURN_IF_ERROR(Strings(*caps, "permitted", path, &out->capabilities.permitted));
    RETURN_IF_ERROR(Strings(*caps, "ambient", path, &out->capabilities.ambient));
  }
  return absl::OkStatus();
}

absl::Status ParseMount(const Json& m, const std::string& path, OciMount* out) {
  RETURN_IF_ERROR(String(m, "destination", path, &out->destination));
  if (out->destination.empty()) return Bad(StrCat(path, ".destination"), "missing");
  RETURN_IF_ERROR(String(m, "type", path, &out->type));
  RETURN_IF_ERROR(String(m, "source", path, &out->source));
  return Strings(m, "options", path, &out->options);
}

absl::Status ParseNamespace(const Json& n, const std::string& path, OciNamespace* out) {
  RETURN_IF_ERROR(String(n, "type", path, &out->type));
  if (out->type.empty()) return Bad(StrCat(path, ".type"), "missing");
  return String(n, "path", path, &out->path);
}

absl::Status ParseDevice(const Json& d, const std::string& path, OciDevice* out) {
  RETURN_IF_ERROR(String(d, "path", path, &out->path));
  if (out->path.empty()) return Bad(StrCat(path, ".path"), "missing");
  RETURN_IF_ERROR(String(d, "type", path, &out->type));
  std::optional<int64_t> major, minor;
  RETURN_IF_ERROR(Int(d, "major", path, 0, UINT32_MAX, &major));
  RETURN_IF_ERROR(Int(d, "minor", path, 0, UINT32_MAX, &minor));
  out->major = major.value_or(0);
  out->minor = minor.value_or(0);
  return absl::OkStatus();
}

absl::Status ParseDeviceRule(const Json& d, const std::string& path, OciDeviceRule* out) {
  RETURN_IF_ERROR(Bool(d, "allow", path, &out->allow));
  RETURN_IF_ERROR(String(d, "type", path, &out->type));
  RETURN_IF_ERROR(Int(d, "major", path, -1, UINT32_MAX, &out->major));
  RETURN_IF_ERROR(Int(d, "minor", path, -1, UINT32_MAX, &out->minor));
  if (out->major == -1) out->major.reset();
  if (out->minor == -1) out->minor.reset();
  RETURN_IF_ERROR(String(d, "access", path, &out->access));
  if (out->access.find_first_not_of("rwm") != std::string::npos) {
    return Bad(StrCat(path, ".access"), StrCat("\"", out->access, "\" is not a subset of rwm"));
  }
  return absl::OkStatus();
}

absl::Status ParseLinux(const Json& l, OciSpec* out) {
  RETURN_IF_ERROR(Objects(l, "namespaces", "linux", &out->namespaces, ParseNamespace));
  RETURN_IF_ERROR(Objects(l, "devices", "linux", &out->devices, ParseDevice));
  const Json* resources = Find(l, "resources");
  RETURN_IF_ERROR(Object(resources, "linux.resources"));
  if (resources != nullptr) {
    RETURN_IF_ERROR(
        Objects(*resources, "devices", "linux.resources", &out->device_rules, ParseDeviceRule));
  }
  RETURN_IF_ERROR(Strings(l, "maskedPaths", "linux", &out->masked_paths));
  RETURN_IF_ERROR(Strings(l, "readonlyPaths", "linux", &out->readonly_paths));
  return String(l, "rootfsPropagation", "linux", &out->rootfs_propagation);
}

}  // namespace

bool OciMount::HasOption(std::string_view option) const {
  return std::find(options.begin(), options.end(), option) != options.end();
}

bool OciMount::IsBind() const { return type == "bind" || HasOption("bind") || HasOption("rbind"); }

absl::StatusOr<OciSpec> ParseOciSpec(const Json& doc) {
  if (!doc.is_object()) return Bad("(root)", "must be an object");
  OciSpec spec;
  const Json* process = Find(doc, "process");
  if (process == nullptr) return Bad("process", "missing (the gate needs the process to check)");
  RETURN_IF_ERROR(Object(process, "process"));
  RETURN_IF_ERROR(ParseProcess(*process, &spec.process));
  const Json* root = Find(doc, "root");
  RETURN_IF_ERROR(Object(root, "root"));
  if (root != nullptr) {
    RETURN_IF_ERROR(String(*root, "path", "root", &spec.root_path));
    RETURN_IF_ERROR(Bool(*root, "readonly", "root", &spec.root_readonly));
  }
  RETURN_IF_ERROR(Objects(doc, "mounts", "", &spec.mounts, ParseMount));
  const Json* linux = Find(doc, "linux");
  if (linux == nullptr) return Bad("linux", "missing (only Linux containers are admitted)");
  RETURN_IF_ERROR(Object(linux, "linux"));
  RETURN_IF_ERROR(ParseLinux(*linux, &spec));
  const Json* annotations = Find(doc, "annotations");
  RETURN_IF_ERROR(Object(annotations, "annotations"));
  if (annotations != nullptr) {
    for (const auto& [k, v] : annotations->items()) {
      if (!v.is_string()) return Bad(StrCat("annotations.", k), "must be a string");
      spec.annotations[k] = v.get<std::string>();
    }
  }
  return spec;
}

}  // namespace c8s::hook
