#include "operator/workloads.h"

#include "lib/kube/json_util.h"
#include "operator/resources.h"

namespace c8s::op {
namespace {

using nlohmann::json;

json Labels(const std::string& component) {
  return {{"app.kubernetes.io/name", component},
          {"app.kubernetes.io/part-of", "c8s"},
          {kManagedByLabel, kManagedByValue}};
}

json Meta(const json& cluster, const std::string& ns, const std::string& name,
          const std::string& component) {
  const json& md = cluster["metadata"];
  return {{"name", name},
          {"namespace", ns},
          {"labels", Labels(component)},
          {"ownerReferences",
           {{{"apiVersion", "c8s.dev/v1alpha1"},
             {"kind", "ConfidentialCluster"},
             {"name", md.value("name", "")},
             {"uid", md.value("uid", "")},
             {"controller", true},
             {"blockOwnerDeletion", true}}}}};
}

json PodTemplate(const std::string& component, const std::string& image, int port,
                 bool node_agent) {
  json container = {{"name", component},
                    {"image", image},
                    {"ports", {{{"name", "grpc"}, {"containerPort", port}}}}};
  json spec = {{"serviceAccountName", component},
               {"nodeSelector", {{"c8s.dev/confidential", "true"}}},
               {"containers", {container}}};
  if (node_agent) {
    // The node agent loads eBPF programs and enforces the OCI policy on its own node.
    spec["hostNetwork"] = true;
    spec["hostPID"] = true;
    spec["containers"][0]["securityContext"] = {{"privileged", true}};
  } else {
    spec["containers"][0]["securityContext"] = {{"allowPrivilegeEscalation", false},
                                                {"runAsNonRoot", true}};
  }
  return {{"metadata", {{"labels", Labels(component)}}}, {"spec", spec}};
}

}  // namespace

std::vector<Owned> DesiredWorkloads(const json& cluster) {
  const json spec = cluster.value("spec", json::object());
  std::string ns = spec.value("namespace", "c8s-system");
  const json images = spec.value("images", json::object());
  const json replicas = spec.value("replicas", json::object());
  std::vector<Owned> out;
  auto add = [&](const kube::Resource& r, const std::string& kind, const std::string& name,
                 const std::string& component, json body) {
    body["apiVersion"] = r.ApiVersion();
    body["kind"] = kind;
    body["metadata"] = Meta(cluster, ns, name, component);
    out.push_back({r, std::move(body)});
  };
  for (const char* sa : {"c8s-cds", "c8s-ingress-router", "c8s-node-agent"}) {
    add(kServiceAccounts, "ServiceAccount", sa, sa, json::object());
  }
  add(kRoles, "Role", "c8s-cds", "c8s-cds",
      {{"rules",
        {{{"apiGroups", {"coordination.k8s.io"}},
          {"resources", {"leases"}},
          {"verbs", {"create", "get", "update"}}}}}});
  add(kRoleBindings, "RoleBinding", "c8s-cds", "c8s-cds",
      {{"roleRef",
        {{"apiGroup", "rbac.authorization.k8s.io"}, {"kind", "Role"}, {"name", "c8s-cds"}}},
       {"subjects", {{{"kind", "ServiceAccount"}, {"name", "c8s-cds"}, {"namespace", ns}}}}});
  json selector_cds = {{"matchLabels", {{"app.kubernetes.io/name", "c8s-cds"}}}};
  add(kServices, "Service", "c8s-cds", "c8s-cds",
      {{"spec",
        {{"selector", {{"app.kubernetes.io/name", "c8s-cds"}}},
         {"ports", {{{"name", "grpc"}, {"port", 7443}, {"targetPort", 7443}}}}}}});
  add(kServices, "Service", "c8s-cds-peers", "c8s-cds",
      {{"spec",
        {{"clusterIP", "None"},
         {"selector", {{"app.kubernetes.io/name", "c8s-cds"}}},
         {"ports", {{{"name", "grpc"}, {"port", 7443}, {"targetPort", 7443}}}}}}});
  add(kStatefulSets, "StatefulSet", "c8s-cds", "c8s-cds",
      {{"spec",
        {{"replicas", replicas.value("cds", 2)},
         {"serviceName", "c8s-cds-peers"},
         {"selector", selector_cds},
         {"template", PodTemplate("c8s-cds", images.value("cds", ""), 7443, false)}}}});
  add(kDaemonSets, "DaemonSet", "c8s-node-agent", "c8s-node-agent",
      {{"spec",
        {{"selector", {{"matchLabels", {{"app.kubernetes.io/name", "c8s-node-agent"}}}}},
         {"template", PodTemplate("c8s-node-agent", images.value("nodeAgent", ""), 7444, true)}}}});
  add(kDeployments, "Deployment", "c8s-ingress-router", "c8s-ingress-router",
      {{"spec",
        {{"replicas", replicas.value("ingressRouter", 2)},
         {"selector", {{"matchLabels", {{"app.kubernetes.io/name", "c8s-ingress-router"}}}}},
         {"template",
          PodTemplate("c8s-ingress-router", images.value("ingressRouter", ""), 8443, false)}}}});
  add(kServices, "Service", "c8s-ingress-router", "c8s-ingress-router",
      {{"spec",
        {{"type", "LoadBalancer"},
         {"selector", {{"app.kubernetes.io/name", "c8s-ingress-router"}}},
         {"ports", {{{"name", "https"}, {"port", 443}, {"targetPort", 8443}}}}}}});
  return out;
}

std::string ManagingCluster(const std::vector<json>& clusters) {
  std::string best_name, best_time;
  for (const json& c : clusters) {
    const json& md = c.value("metadata", json::object());
    std::string name = kube::GetString(md, "name");
    std::string created = kube::GetString(md, "creationTimestamp");
    if (name.empty()) continue;
    if (best_name.empty() || created < best_time || (created == best_time && name < best_name)) {
      best_name = name;
      best_time = created;
    }
  }
  return best_name;
}

bool Satisfies(const json& live, const json& desired) {
  if (desired.is_object()) {
    if (!live.is_object()) return false;
    for (auto it = desired.begin(); it != desired.end(); ++it) {
      if (!live.contains(it.key()) || !Satisfies(live[it.key()], *it)) return false;
    }
    return true;
  }
  if (desired.is_array()) {
    if (!live.is_array() || live.size() != desired.size()) return false;
    for (size_t i = 0; i < desired.size(); ++i) {
      if (!Satisfies(live[i], desired[i])) return false;
    }
    return true;
  }
  return live == desired;
}

}  // namespace c8s::op
