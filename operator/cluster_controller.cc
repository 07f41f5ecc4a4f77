#include "operator/cluster_controller.h"

#include <set>

#include "lib/base/log.h"
#include "lib/base/status.h"
#include "lib/base/strings.h"
#include "lib/kube/errors.h"
#include "lib/kube/json_util.h"
#include "operator/workloads.h"

namespace c8s::op {

using nlohmann::json;

bool HasFinalizer(const json& obj, const std::string& finalizer) {
  const json& md = obj.value("metadata", json::object());
  if (!md.contains("finalizers") || !md["finalizers"].is_array()) return false;
  for (const json& f : md["finalizers"]) {
    if (f.is_string() && f.get<std::string>() == finalizer) return true;
  }
  return false;
}

void ClusterController::Record(const std::string& name, WorkloadsOutcome outcome) {
  if (state_->SetWorkloads(name, std::move(outcome))) {
    enqueue_status_(StatusKey(Kind::kCluster, name));
  }
}

absl::Status ClusterController::SetFinalizer(const json& cluster, bool present) {
  const json& md = cluster["metadata"];
  json finalizers = json::array();
  if (md.contains("finalizers") && md["finalizers"].is_array()) {
    for (const json& f : md["finalizers"]) {
      if (f != kTeardownFinalizer) finalizers.push_back(f);
    }
  }
  if (present) finalizers.push_back(kTeardownFinalizer);
  // Conditional on the cached resourceVersion: never drop a finalizer someone added meanwhile.
  json patch = {
      {"metadata",
       {{"finalizers", finalizers}, {"resourceVersion", kube::GetString(md, "resourceVersion")}}}};
  return client_->MergePatch(kClusters, "", kube::GetString(md, "name"), patch).status();
}

absl::StatusOr<absl::Duration> ClusterController::TearDown(const json& cluster) {
  const std::string name = kube::ObjectKey(cluster);
  std::string uid = kube::GetString(cluster["metadata"], "uid");
  std::vector<std::pair<kube::Resource, json>> owned = caches_->OwnedBy(uid);
  for (const auto& [r, obj] : owned) {
    const json& md = obj["metadata"];
    kube::DeleteOptions opts{.propagation_policy = "Background",
                             .precondition_uid = kube::GetString(md, "uid")};
    absl::Status s =
        client_->Delete(r, kube::GetString(md, "namespace"), kube::GetString(md, "name"), opts);
    if (!s.ok() && !kube::IsNotFound(s)) return s;
    metrics_->Inc("c8s_operator_workload_writes_total", {{"verb", "delete"}});
  }
  if (!owned.empty()) {
    log::Info("tearing down", {{"cluster", name}, {"deleting", owned.size()}});
    return absl::Milliseconds(200);  // the caches see the deletions, then the finalizer goes
  }
  RETURN_IF_ERROR(SetFinalizer(cluster, false));
  state_->ForgetWorkloads(name);
  log::Info("torn down", {{"cluster", name}});
  return absl::ZeroDuration();
}

absl::StatusOr<bool> ClusterController::Apply(const kube::Resource& r, const json& desired) {
  const json& md = desired["metadata"];
  std::string ns = md["namespace"], name = md["name"];
  std::optional<json> live = caches_->Owned(r).Get(ns + "/" + name);
  if (!live) {
    absl::StatusOr<json> created = client_->Create(r, ns, desired);
    if (created.ok()) {
      metrics_->Inc("c8s_operator_workload_writes_total", {{"verb", "create"}});
      return true;
    }
    if (!kube::IsAlreadyExists(created.status())) return created.status();
    // It exists but is not cached (its managed-by label was removed): read it directly.
    absl::StatusOr<json> got = client_->Get(r, ns, name);
    if (!got.ok()) return got.status();
    live = std::move(*got);
  }
  if (Satisfies(*live, desired)) return false;
  RETURN_IF_ERROR(client_->MergePatch(r, ns, name, desired).status());
  metrics_->Inc("c8s_operator_workload_writes_total", {{"verb", "patch"}});
  log::Info("repaired drift", {{"object", StrCat(desired.value("kind", ""), " ", ns, "/", name)}});
  return true;
}

absl::StatusOr<absl::Duration> ClusterController::Reconcile(const std::string& name) {
  std::optional<json> cluster = caches_->Of(Kind::kCluster).Get(name);
  if (!cluster) {
    state_->ForgetWorkloads(name);
    return absl::ZeroDuration();
  }
  if ((*cluster)["metadata"].contains("deletionTimestamp")) {
    if (!HasFinalizer(*cluster, kTeardownFinalizer)) return absl::ZeroDuration();
    return TearDown(*cluster);
  }
  std::string managing = ManagingCluster(caches_->Of(Kind::kCluster).List());
  if (managing != name) {
    Record(name, {.applied = false, .error = "", .superseded_by = managing});
    return absl::ZeroDuration();
  }
  if (!HasFinalizer(*cluster, kTeardownFinalizer)) {
    absl::Status s = SetFinalizer(*cluster, true);
    if (!s.ok()) return s;  // 409: the update event brings us back with a fresh copy
  }
  std::vector<Owned> desired = DesiredWorkloads(*cluster);
  std::set<std::string> wanted;
  std::string first_error;
  int writes = 0;
  for (const Owned& o : desired) {
    const json& md = o.object["metadata"];
    wanted.insert(StrCat(o.resource.ApiVersion(), "/", o.resource.resource, "/",
                         md["namespace"].get<std::string>(), "/", md["name"].get<std::string>()));
    absl::StatusOr<bool> wrote = Apply(o.resource, o.object);
    if (!wrote.ok()) {
      if (first_error.empty()) {
        first_error = StrCat(o.object.value("kind", ""), " ", md["namespace"].get<std::string>(),
                             "/", md["name"].get<std::string>(), ": ", StatusText(wrote.status()));
      }
      continue;
    }
    writes += *wrote ? 1 : 0;
  }
  // Owned objects no longer desired (e.g. spec.namespace changed).
  for (const auto& [r, obj] : caches_->OwnedBy(kube::GetString((*cluster)["metadata"], "uid"))) {
    const json& md = obj["metadata"];
    std::string id = StrCat(r.ApiVersion(), "/", r.resource, "/", kube::GetString(md, "namespace"),
                            "/", kube::GetString(md, "name"));
    if (wanted.count(id)) continue;
    absl::Status s =
        client_->Delete(r, kube::GetString(md, "namespace"), kube::GetString(md, "name"),
                        {.precondition_uid = kube::GetString(md, "uid")});
    if (!s.ok() && !kube::IsNotFound(s) && first_error.empty()) {
      first_error = StrCat("deleting ", id, ": ", StatusText(s));
    }
    ++writes;
  }
  if (writes > 0) log::Info("workloads applied", {{"cluster", name}, {"writes", writes}});
  Record(name, {.applied = first_error.empty(), .error = first_error, .superseded_by = ""});
  if (!first_error.empty()) return absl::UnavailableError(first_error);
  return absl::ZeroDuration();
}

}  // namespace c8s::op
