// The kinds c8s-kube-local serves: the built-in ones c8s touches, and every served version of
// every registered CustomResourceDefinition. Thread-safe; discovery, OpenAPI, validation and
// routing all read the same registry.
//
//   Registry reg;  reg.AddBuiltins();
//   RETURN_IF_ERROR(reg.RegisterCrd(crd_json));
//   std::optional<ResourceType> t = reg.Find("c8s.dev", "v1alpha1", "workloadidentities");
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "nlohmann/json.hpp"

namespace c8s::kubelocal {

struct ResourceType {
  std::string group;     // "" for the core group
  std::string version;   // "v1"
  std::string resource;  // plural, "deployments"
  std::string singular;
  std::string kind;
  std::string list_kind;
  bool namespaced = true;
  bool has_status = false;
  bool is_crd = false;
  std::vector<std::string> short_names;
  std::vector<std::string> categories;
  // openAPIV3Schema of a CRD version (null for built-ins) and its additionalPrinterColumns
  // (may be null). Shared, not copied: every request looks its type up.
  std::shared_ptr<const nlohmann::json> schema_doc;
  std::shared_ptr<const nlohmann::json> printer_columns_doc;
  const nlohmann::json& schema() const { return schema_doc ? *schema_doc : Null(); }
  const nlohmann::json& printer_columns() const {
    return printer_columns_doc ? *printer_columns_doc : Null();
  }
  static const nlohmann::json& Null() {
    static const nlohmann::json kNull;
    return kNull;
  }

  std::string ApiVersion() const { return group.empty() ? version : group + "/" + version; }
  // "/api/v1" or "/apis/<group>/<version>".
  std::string PathPrefix() const {
    return group.empty() ? "/api/" + version : "/apis/" + group + "/" + version;
  }
  // "deployments.apps" / "pods": how error messages name the resource.
  std::string QualifiedResource() const {
    return group.empty() ? resource : resource + "." + group;
  }
  // Storage bucket: one per group + resource (all versions share the objects).
  std::string StorageKey() const { return group + "/" + resource; }
};

class Registry {
 public:
  // Namespace, Pod, Service, Secret, ConfigMap, ServiceAccount, Event (v1 and events.k8s.io),
  // Deployment, StatefulSet, DaemonSet, Lease, RBAC roles/bindings, and the CRD kind itself.
  void AddBuiltins();
  // Registers (or replaces) every served version of an apiextensions.k8s.io/v1 CRD object.
  absl::Status RegisterCrd(const nlohmann::json& crd);
  // Forgets the CRD named `name` ("<plural>.<group>").
  void UnregisterCrd(const std::string& name);

  std::optional<ResourceType> Find(const std::string& group, const std::string& version,
                                   const std::string& resource) const;
  std::optional<ResourceType> FindKind(const std::string& api_version,
                                       const std::string& kind) const;
  std::vector<ResourceType> All() const;
  // Group -> versions (ordered, preferred first), for /apis.
  std::map<std::string, std::vector<std::string>> Groups() const;

 private:
  void Add(ResourceType t);
  mutable std::mutex mu_;
  std::vector<ResourceType> types_;
};

// Checks a CRD object before it is stored: names, scope, versions, structural schema root.
absl::Status ValidateCrd(const nlohmann::json& crd);

}  // namespace c8s::kubelocal
