#include "test/kube-local/resource_types.h"

#include <algorithm>

#include "lib/base/status.h"
#include "lib/base/strings.h"

namespace c8s::kubelocal {
namespace {

struct Builtin {
  const char* group;
  const char* version;
  const char* resource;
  const char* kind;
  bool namespaced;
  bool has_status;
  std::vector<std::string> short_names;
};

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

std::vector<std::string> StringList(const nlohmann::json& j) {
  std::vector<std::string> out;
  if (j.is_array()) {
    for (const auto& v : j) {
      if (v.is_string()) out.push_back(v.get<std::string>());
    }
  }
  return out;
}

}  // namespace

void Registry::AddBuiltins() {
  const std::vector<Builtin> builtins = {
      {"", "v1", "namespaces", "Namespace", false, true, {"ns"}},
      {"", "v1", "pods", "Pod", true, true, {"po"}},
      {"", "v1", "services", "Service", true, true, {"svc"}},
      {"", "v1", "secrets", "Secret", true, false, {}},
      {"", "v1", "configmaps", "ConfigMap", true, false, {"cm"}},
      {"", "v1", "serviceaccounts", "ServiceAccount", true, false, {"sa"}},
      {"", "v1", "events", "Event", true, false, {"ev"}},
      {"apps", "v1", "deployments", "Deployment", true, true, {"deploy"}},
      {"apps", "v1", "statefulsets", "StatefulSet", true, true, {"sts"}},
      {"apps", "v1", "daemonsets", "DaemonSet", true, true, {"ds"}},
      {"coordination.k8s.io", "v1", "leases", "Lease", true, false, {}},
      {"events.k8s.io", "v1", "events", "Event", true, false, {"ev"}},
      {"rbac.authorization.k8s.io", "v1", "roles", "Role", true, false, {}},
      {"rbac.authorization.k8s.io", "v1", "rolebindings", "RoleBinding", true, false, {}},
      {"rbac.authorization.k8s.io", "v1", "clusterroles", "ClusterRole", false, false, {}},
      {"rbac.authorization.k8s.io",
       "v1",
       "clusterrolebindings",
       "ClusterRoleBinding",
       false,
       false,
       {}},
      {"apiextensions.k8s.io",
       "v1",
       "customresourcedefinitions",
       "CustomResourceDefinition",
       false,
       true,
       {"crd", "crds"}},
  };
  for (const Builtin& b : builtins) {
    ResourceType t;
    t.group = b.group;
    t.version = b.version;
    t.resource = b.resource;
    t.kind = b.kind;
    t.singular = Lower(b.kind);
    t.list_kind = t.kind + "List";
    t.namespaced = b.namespaced;
    t.has_status = b.has_status;
    t.short_names = b.short_names;
    if (t.group.empty() || t.group == "apps") t.categories = {"all"};
    if (t.resource == "namespaces" || t.resource == "secrets" || t.resource == "events" ||
        t.resource == "configmaps" || t.resource == "serviceaccounts") {
      t.categories.clear();
    }
    Add(std::move(t));
  }
}

absl::Status ValidateCrd(const nlohmann::json& crd) {
  const nlohmann::json& spec = crd.value("spec", nlohmann::json::object());
  if (!spec.is_object()) return absl::InvalidArgumentError("spec: Required value");
  std::string group = spec.value("group", "");
  const nlohmann::json& names = spec.value("names", nlohmann::json::object());
  std::string plural = names.is_object() ? names.value("plural", "") : "";
  std::string kind = names.is_object() ? names.value("kind", "") : "";
  if (group.empty() || group.find('.') == std::string::npos) {
    return absl::InvalidArgumentError(
        "spec.group: Invalid value: should be a domain with at "
        "least one dot");
  }
  if (plural.empty()) return absl::InvalidArgumentError("spec.names.plural: Required value");
  if (kind.empty()) return absl::InvalidArgumentError("spec.names.kind: Required value");
  std::string name = crd.value("metadata", nlohmann::json::object()).value("name", "");
  if (name != plural + "." + group) {
    return absl::InvalidArgumentError(StrCat("metadata.name: Invalid value: \"", name,
                                             "\": must be spec.names.plural+\".\"+spec.group"));
  }
  std::string scope = spec.value("scope", "");
  if (scope != "Namespaced" && scope != "Cluster") {
    return absl::InvalidArgumentError("spec.scope: Unsupported value: want Namespaced or Cluster");
  }
  const nlohmann::json& versions = spec.value("versions", nlohmann::json::array());
  if (!versions.is_array() || versions.empty()) {
    return absl::InvalidArgumentError("spec.versions: Required value");
  }
  int storage = 0;
  for (const auto& v : versions) {
    if (!v.is_object() || !v.contains("name") || !v["name"].is_string()) {
      return absl::InvalidArgumentError("spec.versions[].name: Required value");
    }
    if (v.value("storage", false)) ++storage;
    const nlohmann::json* schema = nullptr;
    if (v.contains("schema") && v["schema"].is_object() &&
        v["schema"].contains("openAPIV3Schema")) {
      schema = &v["schema"]["openAPIV3Schema"];
    }
    if (schema == nullptr || !schema->is_object() || schema->value("type", "") != "object") {
      return absl::InvalidArgumentError(
          "spec.versions[].schema.openAPIV3Schema: Required value: a structural schema of "
          "type object is required");
    }
  }
  if (storage != 1) {
    return absl::InvalidArgumentError(
        "spec.versions: Invalid value: must have exactly one "
        "version marked as storage version");
  }
  return absl::OkStatus();
}

absl::Status Registry::RegisterCrd(const nlohmann::json& crd) {
  RETURN_IF_ERROR(ValidateCrd(crd));
  const nlohmann::json& spec = crd["spec"];
  const nlohmann::json& names = spec["names"];
  std::string name = crd["metadata"]["name"].get<std::string>();
  UnregisterCrd(name);
  for (const auto& v : spec["versions"]) {
    if (!v.value("served", true)) continue;
    ResourceType t;
    t.group = spec["group"].get<std::string>();
    t.version = v["name"].get<std::string>();
    t.resource = names["plural"].get<std::string>();
    t.kind = names["kind"].get<std::string>();
    t.singular = names.value("singular", Lower(t.kind));
    t.list_kind = names.value("listKind", t.kind + "List");
    t.namespaced = spec["scope"].get<std::string>() == "Namespaced";
    t.short_names = StringList(names.value("shortNames", nlohmann::json()));
    t.categories = StringList(names.value("categories", nlohmann::json()));
    t.is_crd = true;
    t.has_status = v.contains("subresources") && v["subresources"].is_object() &&
                   v["subresources"].contains("status");
    t.schema_doc = std::make_shared<const nlohmann::json>(v["schema"]["openAPIV3Schema"]);
    t.printer_columns_doc = std::make_shared<const nlohmann::json>(
        v.value("additionalPrinterColumns", nlohmann::json()));
    Add(std::move(t));
  }
  return absl::OkStatus();
}

void Registry::UnregisterCrd(const std::string& name) {
  std::lock_guard<std::mutex> lock(mu_);
  std::erase_if(types_, [&](const ResourceType& t) {
    return t.is_crd && t.resource + "." + t.group == name;
  });
}

void Registry::Add(ResourceType t) {
  std::lock_guard<std::mutex> lock(mu_);
  types_.push_back(std::move(t));
}

std::optional<ResourceType> Registry::Find(const std::string& group, const std::string& version,
                                           const std::string& resource) const {
  std::lock_guard<std::mutex> lock(mu_);
  for (const ResourceType& t : types_) {
    if (t.group == group && t.version == version && t.resource == resource) return t;
  }
  return std::nullopt;
}

std::optional<ResourceType> Registry::FindKind(const std::string& api_version,
                                               const std::string& kind) const {
  std::lock_guard<std::mutex> lock(mu_);
  for (const ResourceType& t : types_) {
    if (t.ApiVersion() == api_version && t.kind == kind) return t;
  }
  return std::nullopt;
}

std::vector<ResourceType> Registry::All() const {
  std::lock_guard<std::mutex> lock(mu_);
  return types_;
}

std::map<std::string, std::vector<std::string>> Registry::Groups() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::map<std::string, std::vector<std::string>> out;
  for (const ResourceType& t : types_) {
    auto& versions = out[t.group];
    if (std::find(versions.begin(), versions.end(), t.version) == versions.end()) {
      versions.push_back(t.version);
    }
  }
  return out;
}

}  // namespace c8s::kubelocal
