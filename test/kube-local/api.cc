#include "test/kube-local/api.h"

#include <cstdio>
#include <random>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "lib/base/bytes.h"
#include "test/kube-local/patch.h"
#include "test/kube-local/validation.h"

namespace c8s::kubelocal {
namespace {

std::string RandomSuffix(size_t n) {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  const char* alphabet = "bcdfghjklmnpqrstvwxz2456789";
  std::string s;
  for (size_t i = 0; i < n; ++i) s.push_back(alphabet[rng() % 27]);
  return s;
}

}  // namespace

std::string NowTimestamp() {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", absl::Now(), absl::UTCTimeZone());
}

std::string NewUid() {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  uint64_t a = rng(), b = rng();
  char buf[40];
  std::snprintf(buf, sizeof(buf), "%08x-%04x-4%03x-%04x-%012llx", static_cast<unsigned>(a >> 32),
                static_cast<unsigned>(a >> 16) & 0xffff, static_cast<unsigned>(a) & 0xfff,
                (static_cast<unsigned>(b >> 48) & 0x3fff) | 0x8000,
                static_cast<unsigned long long>(b & 0xffffffffffffULL));
  return buf;
}

void Api::Bootstrap() {
  std::optional<ResourceType> ns_type = registry_->Find("", "v1", "namespaces");
  for (const char* name : {"default", "kube-system", "kube-public", "kube-node-lease"}) {
    nlohmann::json out;
    Create(*ns_type, "",
           {{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", name}}}}, {}, &out);
  }
}

ApiError Api::CheckNamespace(const ResourceType& t, const std::string& ns,
                             const std::string& name) {
  if (!t.namespaced) return {};
  const nlohmann::json* nsobj = store_->Get("/namespaces", "", ns);
  if (nsobj == nullptr) return NamespaceNotFound(ns);
  if ((*nsobj)["metadata"].contains("deletionTimestamp")) {
    return Forbidden(
        t, name,
        "unable to create new content in namespace " + ns + " because it is being terminated");
  }
  return {};
}

ApiError Api::Admit(const ResourceType& t, nlohmann::json* obj, const WriteOptions& options,
                    bool status_only) {
  std::string name = (*obj)["metadata"].value("name", "");
  std::vector<FieldCause> causes = ValidateMetadata(*obj);
  if (t.is_crd && t.schema().is_object() && status_only) {
    nlohmann::json probe = *obj;
    SchemaResult r = ApplySchema(t.schema(), &probe);
    for (const FieldCause& c : r.causes) {
      if (c.field == "status" || c.field.rfind("status.", 0) == 0) causes.push_back(c);
    }
    if (probe.contains("status")) {
      (*obj)["status"] = probe["status"];
    } else {
      obj->erase("status");
    }
  } else if (t.is_crd && t.schema().is_object()) {
    SchemaResult r = ApplySchema(t.schema(), obj);
    if (!r.unknown_fields.empty()) {
      if (options.field_validation == "Strict") {
        std::string list;
        for (const auto& f : r.unknown_fields)
          list += (list.empty() ? "" : ", ") + ("unknown field \"" + f + "\"");
        return BadRequest("strict decoding error: " + list);
      }
      if (options.field_validation == "Warn" && options.warnings != nullptr) {
        for (const auto& f : r.unknown_fields)
          options.warnings->push_back("unknown field \"" + f + "\"");
      }
    }
    causes.insert(causes.end(), r.causes.begin(), r.causes.end());
  }
  if (t.resource == "customresourcedefinitions") {
    if (absl::Status s = ValidateCrd(*obj); !s.ok()) {
      causes.push_back({"FieldValueInvalid", "spec", std::string(s.message())});
    }
  }
  if (!causes.empty()) return Invalid(t, name, causes);
  return {};
}

void Api::OnCrdStored(nlohmann::json* crd) {
  if (!registry_->RegisterCrd(*crd).ok()) return;
  nlohmann::json& status = (*crd)["status"];
  std::string now = NowTimestamp();
  status["acceptedNames"] = (*crd)["spec"]["names"];
  status["storedVersions"] = nlohmann::json::array();
  for (const auto& v : (*crd)["spec"]["versions"]) {
    if (v.value("storage", false)) status["storedVersions"].push_back(v["name"]);
  }
  status["conditions"] = {{{"type", "NamesAccepted"},
                           {"status", "True"},
                           {"reason", "NoConflicts"},
                           {"message", "no conflicts found"},
                           {"lastTransitionTime", now}},
                          {{"type", "Established"},
                           {"status", "True"},
                           {"reason", "InitialNamesAccepted"},
                           {"message", "the initial names have been accepted"},
                           {"lastTransitionTime", now}}};
}

ApiError Api::Get(const ResourceType& t, const std::string& ns, const std::string& name,
                  nlohmann::json* out) {
  std::lock_guard<std::mutex> lock(store_->mu);
  const nlohmann::json* obj = store_->Get(t.StorageKey(), ns, name);
  if (obj == nullptr) return NotFound(t, name);
  *out = *obj;
  (*out)["apiVersion"] = t.ApiVersion();
  return {};
}

ApiError Api::List(const ResourceType& t, const std::string& ns, const ListOptions& options,
                   nlohmann::json* out) {
  std::lock_guard<std::mutex> lock(store_->mu);
  std::string after;
  if (!options.continue_token.empty()) {
    absl::StatusOr<Bytes> raw = Base64Decode(options.continue_token);
    if (!raw.ok()) return BadRequest("continue key is not valid: illegal base64 data");
    after.assign(raw->begin(), raw->end());
  }
  nlohmann::json items = nlohmann::json::array();
  std::string next;
  int64_t remaining = 0;
  for (const nlohmann::json* obj : store_->List(t.StorageKey(), ns)) {
    const nlohmann::json& md = (*obj)["metadata"];
    std::string key = md.value("namespace", "") + "/" + md.value("name", "");
    if (!after.empty() && key <= after) continue;
    if (!options.labels.Matches(md.value("labels", nlohmann::json()))) continue;
    if (!options.fields.Matches(*obj)) continue;
    if (options.limit > 0 && static_cast<int64_t>(items.size()) >= options.limit) {
      ++remaining;
      continue;
    }
    items.push_back(*obj);
    items.back()["apiVersion"] = t.ApiVersion();
    next = key;
  }
  nlohmann::json metadata = {{"resourceVersion", std::to_string(store_->CurrentRv())}};
  if (remaining > 0) {
    metadata["continue"] = Base64Encode(Bytes(next.begin(), next.end()));
    metadata["remainingItemCount"] = remaining;
  }
  *out = {{"kind", t.list_kind},
          {"apiVersion", t.ApiVersion()},
          {"metadata", metadata},
          {"items", items}};
  return {};
}

ApiError Api::Create(const ResourceType& t, const std::string& ns, nlohmann::json body,
                     const WriteOptions& options, nlohmann::json* out) {
  if (!body.is_object()) return BadRequest("the body of the request is not a JSON object");
  if (body.value("apiVersion", t.ApiVersion()) != t.ApiVersion() ||
      body.value("kind", t.kind) != t.kind) {
    return BadRequest("the API version in the data (" + body.value("apiVersion", "") +
                      ") does not match the expected API version (" + t.ApiVersion() + ")");
  }
  body["apiVersion"] = t.ApiVersion();
  body["kind"] = t.kind;
  if (!body.contains("metadata") || !body["metadata"].is_object())
    body["metadata"] = nlohmann::json::object();
  nlohmann::json& md = body["metadata"];
  if (md.value("name", "").empty() && !md.value("generateName", "").empty()) {
    md["name"] = md["generateName"].get<std::string>() + RandomSuffix(5);
  }
  std::string name = md.value("name", "");
  if (t.namespaced) {
    std::string body_ns = md.value("namespace", "");
    if (!body_ns.empty() && body_ns != ns) {
      return BadRequest(
          "the namespace of the provided object does not match the namespace "
          "sent on the request");
    }
    md["namespace"] = ns;
  } else {
    md.erase("namespace");
  }
  if (t.has_status) body.erase("status");
  if (ApiError e = Admit(t, &body, options); !e.ok()) return e;
  std::lock_guard<std::mutex> lock(store_->mu);
  if (ApiError e = CheckNamespace(t, ns, name); !e.ok()) return e;
  if (store_->Get(t.StorageKey(), t.namespaced ? ns : "", name) != nullptr) {
    return AlreadyExists(t, name);
  }
  md["uid"] = NewUid();
  md["creationTimestamp"] = NowTimestamp();
  md["generation"] = 1;
  md.erase("deletionTimestamp");
  md.erase("deletionGracePeriodSeconds");
  if (t.resource == "namespaces") body["status"] = {{"phase", "Active"}};
  if (t.resource == "customresourcedefinitions") OnCrdStored(&body);
  if (options.dry_run) {
    *out = body;
    return {};
  }
  store_->Put(t.StorageKey(), t.namespaced ? ns : "", name, body, "ADDED");
  *out = body;
  return {};
}

ApiError Api::Update(const ResourceType& t, const std::string& ns, const std::string& name,
                     nlohmann::json body, bool status, const WriteOptions& options,
                     nlohmann::json* out) {
  if (!body.is_object() || !body.contains("metadata") || !body["metadata"].is_object()) {
    return BadRequest("the body of the request must be an object with metadata");
  }
  if (body["metadata"].value("name", name) != name) {
    return BadRequest("the name of the object (" + body["metadata"].value("name", "") +
                      ") does not match the name on the URL (" + name + ")");
  }
  std::lock_guard<std::mutex> lock(store_->mu);
  return UpdateLocked(t, ns, name, std::move(body), status, options, out);
}

ApiError Api::Patch(const ResourceType& t, const std::string& ns, const std::string& name,
                    const std::string& content_type, const std::string& body, bool status,
                    const WriteOptions& options, nlohmann::json* out) {
  if (!IsSupportedPatchType(content_type)) return UnsupportedMediaType(content_type);
  std::lock_guard<std::mutex> lock(store_->mu);
  const nlohmann::json* old = store_->Get(t.StorageKey(), ns, name);
  if (old == nullptr) return NotFound(t, name);
  absl::StatusOr<nlohmann::json> patched = ApplyPatch(content_type, *old, body);
  if (!patched.ok()) {
    if (absl::IsUnimplemented(patched.status())) return UnsupportedMediaType(content_type);
    return BadRequest(std::string(patched.status().message()));
  }
  if (!patched->is_object() || !(*patched)["metadata"].is_object()) {
    return BadRequest("the patch removed the object's metadata");
  }
  return UpdateLocked(t, ns, name, std::move(*patched), status, options, out);
}

}  // namespace c8s::kubelocal
