// Updates and deletions of Api (api.h): the parts with cross-object effects.
#include "test/kube-local/api.h"

namespace c8s::kubelocal {
namespace {

nlohmann::json SpecPart(const nlohmann::json& obj) {
  nlohmann::json copy = obj;
  copy.erase("metadata");
  copy.erase("status");
  copy.erase("apiVersion");
  return copy;
}

bool HasFinalizers(const nlohmann::json& obj) {
  const nlohmann::json& md = obj["metadata"];
  return md.contains("finalizers") && md["finalizers"].is_array() && !md["finalizers"].empty();
}

std::string NsOf(const nlohmann::json& obj) { return obj["metadata"].value("namespace", ""); }
std::string NameOf(const nlohmann::json& obj) { return obj["metadata"].value("name", ""); }

}  // namespace

ApiError Api::UpdateLocked(const ResourceType& t, const std::string& ns, const std::string& name,
                           nlohmann::json candidate, bool status, const WriteOptions& options,
                           nlohmann::json* out) {
  const nlohmann::json* old_ptr = store_->Get(t.StorageKey(), ns, name);
  if (old_ptr == nullptr) return NotFound(t, name);
  const nlohmann::json old = *old_ptr;
  const nlohmann::json& old_md = old["metadata"];
  std::string want_rv = candidate["metadata"].value("resourceVersion", "");
  if (want_rv.empty() && t.is_crd) {
    return Invalid(t, name,
                   {{"FieldValueInvalid", "metadata.resourceVersion",
                     "Invalid value: 0x0: must be specified for an update"}});
  }
  if (!want_rv.empty() && want_rv != old_md.value("resourceVersion", "")) {
    return Conflict(t, name,
                    "the object has been modified; please apply your changes to the "
                    "latest version and try again");
  }
  nlohmann::json updated;
  if (status) {
    updated = old;
    if (candidate.contains("status"))
      updated["status"] = candidate["status"];
    else
      updated.erase("status");
  } else {
    updated = std::move(candidate);
    updated["apiVersion"] = t.ApiVersion();
    updated["kind"] = t.kind;
    if (t.has_status) {
      if (old.contains("status"))
        updated["status"] = old["status"];
      else
        updated.erase("status");
    }
  }
  nlohmann::json& md = updated["metadata"];
  for (const char* keep : {"uid", "creationTimestamp", "generation", "deletionTimestamp",
                           "deletionGracePeriodSeconds", "namespace", "name"}) {
    if (old_md.contains(keep))
      md[keep] = old_md[keep];
    else
      md.erase(keep);
  }
  md["resourceVersion"] = old_md.value("resourceVersion", "");
  if (old_md.contains("deletionTimestamp")) {
    for (const auto& f : md.value("finalizers", nlohmann::json::array())) {
      const nlohmann::json olds = old_md.value("finalizers", nlohmann::json::array());
      if (std::find(olds.begin(), olds.end(), f) == olds.end()) {
        return Invalid(t, name,
                       {{"FieldValueForbidden", "metadata.finalizers",
                         "Forbidden: no new finalizers can be added if the object is "
                         "being deleted, found new finalizers [" +
                             f.dump() + "]"}});
      }
    }
  }
  if (ApiError e = Admit(t, &updated, options, status); !e.ok()) return e;
  if (updated == old) {  // no-op writes neither bump resourceVersion nor emit events
    *out = old;
    return {};
  }
  if (!status && SpecPart(updated) != SpecPart(old)) {
    md["generation"] = old_md.value("generation", 1) + 1;
  }
  if (t.resource == "customresourcedefinitions" && !status) OnCrdStored(&updated);
  if (options.dry_run) {
    *out = updated;
    return {};
  }
  if (md.contains("deletionTimestamp") && !HasFinalizers(updated)) {
    *out = updated;
    FinishDeletion(t, ns, name, updated, "Background");
    return {};
  }
  store_->Put(t.StorageKey(), ns, name, updated, "MODIFIED");
  *out = updated;
  return {};
}

ApiError Api::Delete(const ResourceType& t, const std::string& ns, const std::string& name,
                     const nlohmann::json& delete_options, nlohmann::json* out) {
  std::lock_guard<std::mutex> lock(store_->mu);
  const nlohmann::json* old = store_->Get(t.StorageKey(), ns, name);
  if (old == nullptr) return NotFound(t, name);
  const nlohmann::json& md = (*old)["metadata"];
  nlohmann::json pre = delete_options.is_object()
                           ? delete_options.value("preconditions", nlohmann::json())
                           : nlohmann::json();
  if (pre.is_object()) {
    std::string uid = pre.value("uid", "");
    if (!uid.empty() && uid != md.value("uid", "")) {
      return Conflict(t, name,
                      "Precondition failed: UID in precondition: " + uid +
                          ", UID in object meta: " + md.value("uid", ""));
    }
    std::string rv = pre.value("resourceVersion", "");
    if (!rv.empty() && rv != md.value("resourceVersion", "")) {
      return Conflict(t, name,
                      "Precondition failed: ResourceVersion in precondition: " + rv +
                          ", ResourceVersion in object meta: " + md.value("resourceVersion", ""));
    }
  }
  std::string policy = "Background";
  if (delete_options.is_object()) {
    policy = delete_options.value("propagationPolicy", policy);
    if (delete_options.contains("orphanDependents") &&
        delete_options["orphanDependents"].is_boolean() &&
        delete_options["orphanDependents"].get<bool>()) {
      policy = "Orphan";
    }
  }
  if (policy != "Background" && policy != "Foreground" && policy != "Orphan") {
    return BadRequest("propagationPolicy: Unsupported value: \"" + policy + "\"");
  }
  DeleteLocked(t, ns, name, policy, out);
  return {};
}

void Api::DeleteLocked(const ResourceType& t, const std::string& ns, const std::string& name,
                       const std::string& policy, nlohmann::json* out) {
  const nlohmann::json* ptr = store_->Get(t.StorageKey(), ns, name);
  if (ptr == nullptr) return;
  nlohmann::json obj = *ptr;
  obj["apiVersion"] = t.ApiVersion();
  nlohmann::json& md = obj["metadata"];
  if (policy == "Foreground") CollectDependents(md.value("uid", ""), "Foreground");
  bool is_namespace = t.resource == "namespaces";
  if (HasFinalizers(obj) || is_namespace) {
    if (!md.contains("deletionTimestamp")) {
      md["deletionTimestamp"] = NowTimestamp();
      md["deletionGracePeriodSeconds"] = 0;
      if (is_namespace) obj["status"] = {{"phase", "Terminating"}};
      store_->Put(t.StorageKey(), ns, name, obj, "MODIFIED");
    }
    *out = obj;
    if (is_namespace) {
      for (const auto& [bucket, o] : store_->All()) {
        if (NsOf(o) != name) continue;
        std::optional<ResourceType> ot = TypeOfBucket(bucket);
        nlohmann::json ignored;
        if (ot) DeleteLocked(*ot, name, NameOf(o), "Background", &ignored);
      }
      MaybeFinishNamespace(name);
    }
    return;
  }
  *out = obj;
  FinishDeletion(t, ns, name, obj, policy);
}

void Api::FinishDeletion(const ResourceType& t, const std::string& ns, const std::string& name,
                         nlohmann::json obj, const std::string& policy) {
  std::string uid = obj["metadata"].value("uid", "");
  store_->Remove(t.StorageKey(), ns, name, obj);
  if (t.resource == "customresourcedefinitions") {
    const nlohmann::json& spec = obj["spec"];
    std::string bucket = spec.value("group", "") + "/" + spec["names"].value("plural", "");
    for (const auto& [b, o] : store_->All()) {
      if (b == bucket) store_->Remove(b, NsOf(o), NameOf(o), o);
    }
    registry_->UnregisterCrd(name);
  }
  CollectDependents(uid, policy == "Orphan" ? "Orphan" : "Background");
  if (t.resource == "namespaces") return;
  if (!ns.empty()) MaybeFinishNamespace(ns);
}

void Api::CollectDependents(const std::string& owner_uid, const std::string& policy) {
  if (owner_uid.empty()) return;
  for (auto [bucket, obj] : store_->All()) {
    nlohmann::json& md = obj["metadata"];
    if (!md.contains("ownerReferences") || !md["ownerReferences"].is_array()) continue;
    nlohmann::json& refs = md["ownerReferences"];
    size_t before = refs.size();
    refs.erase(std::remove_if(refs.begin(), refs.end(),
                              [&](const nlohmann::json& r) {
                                return r.is_object() && r.value("uid", "") == owner_uid;
                              }),
               refs.end());
    if (refs.size() == before) continue;
    std::optional<ResourceType> t = TypeOfBucket(bucket);
    if (!t) continue;
    if (policy != "Orphan" && refs.empty()) {
      nlohmann::json ignored;
      DeleteLocked(*t, NsOf(obj), NameOf(obj), policy, &ignored);
      continue;
    }
    if (refs.empty()) md.erase("ownerReferences");
    store_->Put(bucket, NsOf(obj), NameOf(obj), obj, "MODIFIED");
  }
}

void Api::MaybeFinishNamespace(const std::string& ns) {
  const nlohmann::json* nsobj = store_->Get("/namespaces", "", ns);
  if (nsobj == nullptr || !(*nsobj)["metadata"].contains("deletionTimestamp")) return;
  for (const auto& [bucket, o] : store_->All()) {
    if (NsOf(o) == ns) return;
  }
  store_->Remove("/namespaces", "", ns, *nsobj);
}

std::optional<ResourceType> Api::TypeOfBucket(const std::string& bucket) const {
  for (const ResourceType& t : registry_->All()) {
    if (t.StorageKey() == bucket) return t;
  }
  return std::nullopt;
}

}  // namespace c8s::kubelocal
