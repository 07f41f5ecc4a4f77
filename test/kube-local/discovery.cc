#include "test/kube-local/discovery.h"

#include <functional>

namespace c8s::kubelocal {
namespace {

nlohmann::json GroupJson(const std::string& group, const std::vector<std::string>& versions) {
  nlohmann::json vs = nlohmann::json::array();
  for (const auto& v : versions) vs.push_back({{"groupVersion", group + "/" + v}, {"version", v}});
  return {{"name", group}, {"versions", vs}, {"preferredVersion", vs[0]}};
}

std::string DefinitionName(const ResourceType& t) {
  if (!t.is_crd) {
    std::string g = t.group.empty() ? "core" : t.group.substr(0, t.group.find('.'));
    return "io.k8s.api." + g + "." + t.version + "." + t.kind;
  }
  // Reverse the domain, as the API server names CRD definitions: c8s.dev -> dev.c8s.
  std::string reversed, rest = t.group;
  while (!rest.empty()) {
    size_t dot = rest.rfind('.');
    std::string part = dot == std::string::npos ? rest : rest.substr(dot + 1);
    reversed += (reversed.empty() ? "" : ".") + part;
    rest = dot == std::string::npos ? "" : rest.substr(0, dot);
  }
  return reversed + "." + t.version + "." + t.kind;
}

nlohmann::json Gvk(const ResourceType& t) {
  return {{"group", t.group}, {"version", t.version}, {"kind", t.kind}};
}

nlohmann::json Param(const std::string& name, const std::string& in) {
  return {{"name", name}, {"in", in}, {"required", in == "path"}, {"schema", {{"type", "string"}}}};
}

nlohmann::json Operation(const ResourceType& t, const std::string& action, const std::string& ref,
                         bool item) {
  nlohmann::json params = nlohmann::json::array();
  if (item) params.push_back(Param("name", "path"));
  if (t.namespaced) params.push_back(Param("namespace", "path"));
  if (action == "patch" || action == "put" || action == "post") {
    for (const char* q : {"dryRun", "fieldManager", "fieldValidation"})
      params.push_back(Param(q, "query"));
  }
  if (action == "patch") params.push_back(Param("force", "query"));
  nlohmann::json schema_ref = {{"schema", {{"$ref", ref}}}};
  nlohmann::json op = {
      {"operationId", action + t.kind},
      {"parameters", params},
      {"responses",
       {{"200", {{"description", "OK"}, {"content", {{"application/json", schema_ref}}}}}}},
      {"x-kubernetes-action", action},
      {"x-kubernetes-group-version-kind", Gvk(t)}};
  if (action == "patch") {
    nlohmann::json obj_schema = {{"schema", {{"type", "object"}}}};
    op["requestBody"] = {{"content",
                          {{"application/json-patch+json", obj_schema},
                           {"application/merge-patch+json", obj_schema}}}};
  } else if (action == "put" || action == "post") {
    op["requestBody"] = {{"content", {{"application/json", schema_ref}}}};
  }
  return op;
}

}  // namespace

nlohmann::json ApiVersions(const std::string& server_address) {
  return {{"kind", "APIVersions"},
          {"versions", {"v1"}},
          {"serverAddressByClientCIDRs",
           {{{"clientCIDR", "0.0.0.0/0"}, {"serverAddress", server_address}}}}};
}

nlohmann::json ApiGroupList(const Registry& registry) {
  nlohmann::json groups = nlohmann::json::array();
  for (const auto& [group, versions] : registry.Groups()) {
    if (!group.empty()) groups.push_back(GroupJson(group, versions));
  }
  return {{"kind", "APIGroupList"}, {"apiVersion", "v1"}, {"groups", groups}};
}

std::optional<nlohmann::json> ApiGroup(const Registry& registry, const std::string& group) {
  auto groups = registry.Groups();
  auto it = groups.find(group);
  if (group.empty() || it == groups.end()) return std::nullopt;
  nlohmann::json g = GroupJson(group, it->second);
  g["kind"] = "APIGroup";
  g["apiVersion"] = "v1";
  return g;
}

std::optional<nlohmann::json> ApiResourceList(const Registry& registry, const std::string& group,
                                              const std::string& version) {
  nlohmann::json resources = nlohmann::json::array();
  for (const ResourceType& t : registry.All()) {
    if (t.group != group || t.version != version) continue;
    nlohmann::json r = {
        {"name", t.resource},
        {"singularName", t.singular},
        {"namespaced", t.namespaced},
        {"kind", t.kind},
        {"verbs",
         {"create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"}}};
    if (!t.short_names.empty()) r["shortNames"] = t.short_names;
    if (!t.categories.empty()) r["categories"] = t.categories;
    resources.push_back(r);
    if (t.has_status) {
      resources.push_back({{"name", t.resource + "/status"},
                           {"singularName", ""},
                           {"namespaced", t.namespaced},
                           {"kind", t.kind},
                           {"verbs", {"get", "patch", "update"}}});
    }
  }
  if (resources.empty()) return std::nullopt;
  return nlohmann::json{{"kind", "APIResourceList"},
                        {"apiVersion", "v1"},
                        {"groupVersion", group.empty() ? version : group + "/" + version},
                        {"resources", resources}};
}

nlohmann::json OpenApiV3Root(const Registry& registry) {
  nlohmann::json paths = nlohmann::json::object();
  for (const auto& [group, versions] : registry.Groups()) {
    for (const auto& v : versions) {
      std::string gv = group.empty() ? "api/" + v : "apis/" + group + "/" + v;
      std::optional<nlohmann::json> doc = OpenApiV3GroupVersion(registry, gv);
      size_t hash = std::hash<std::string>{}(doc ? doc->dump() : "");
      paths[gv] = {{"serverRelativeURL", "/openapi/v3/" + gv + "?hash=" + std::to_string(hash)}};
    }
  }
  return {{"paths", paths}};
}

std::optional<nlohmann::json> OpenApiV3GroupVersion(const Registry& registry,
                                                    const std::string& gv_path) {
  nlohmann::json paths = nlohmann::json::object();
  nlohmann::json schemas = nlohmann::json::object();
  for (const ResourceType& t : registry.All()) {
    if (t.PathPrefix() != "/" + gv_path) continue;
    std::string def = DefinitionName(t);
    nlohmann::json schema =
        t.schema().is_object()
            ? t.schema()
            : nlohmann::json{{"type", "object"}, {"x-kubernetes-preserve-unknown-fields", true}};
    schema["x-kubernetes-group-version-kind"] = nlohmann::json::array({Gvk(t)});
    schemas[def] = schema;
    std::string ref = "#/components/schemas/" + def;
    std::string base =
        t.PathPrefix() + (t.namespaced ? "/namespaces/{namespace}/" : "/") + t.resource;
    paths[base] = {{"get", Operation(t, "list", ref, false)},
                   {"post", Operation(t, "post", ref, false)}};
    paths[base + "/{name}"] = {{"get", Operation(t, "get", ref, true)},
                               {"put", Operation(t, "put", ref, true)},
                               {"patch", Operation(t, "patch", ref, true)},
                               {"delete", Operation(t, "delete", ref, true)}};
    if (t.has_status) {
      paths[base + "/{name}/status"] = {{"get", Operation(t, "get", ref, true)},
                                        {"put", Operation(t, "put", ref, true)},
                                        {"patch", Operation(t, "patch", ref, true)}};
    }
  }
  if (schemas.empty()) return std::nullopt;
  return nlohmann::json{{"openapi", "3.0.0"},
                        {"info", {{"title", "Kubernetes"}, {"version", "v1.32.0"}}},
                        {"paths", paths},
                        {"components", {{"schemas", schemas}}}};
}

}  // namespace c8s::kubelocal
