// Object lifecycle of c8s-kube-local, as the real API server's generic registry does it:
// metadata (uid, resourceVersion, generation on spec change only, timestamps), status
// subresource, optimistic concurrency, finalizers and graceful deletion, owner-reference
// garbage collection, namespace termination, CRD registration, schema defaulting/pruning.
//
//   Api api(&registry, &store);
//   json out;
//   ApiError e = api.Create(type, "default", body, {}, &out);
#pragma once

#include <string>
#include <vector>

#include "lib/kube/selector.h"
#include "nlohmann/json.hpp"
#include "test/kube-local/api_error.h"
#include "test/kube-local/resource_types.h"
#include "test/kube-local/store.h"

namespace c8s::kubelocal {

struct WriteOptions {
  std::string field_validation;  // "Strict", "Warn", "Ignore" or "" (prune silently)
  bool dry_run = false;
  std::vector<std::string>* warnings = nullptr;  // Warning headers to send back
};

struct ListOptions {
  kube::LabelSelector labels;
  kube::FieldSelector fields;
  int64_t limit = 0;
  std::string continue_token;
};

class Api {
 public:
  Api(Registry* registry, Store* store) : registry_(registry), store_(store) {}

  // Creates the namespaces every cluster has (default, kube-system, kube-public).
  void Bootstrap();

  ApiError Get(const ResourceType& t, const std::string& ns, const std::string& name,
               nlohmann::json* out);
  ApiError List(const ResourceType& t, const std::string& ns, const ListOptions& options,
                nlohmann::json* out);
  ApiError Create(const ResourceType& t, const std::string& ns, nlohmann::json body,
                  const WriteOptions& options, nlohmann::json* out);
  // PUT of the object (`status` false) or of its status subresource.
  ApiError Update(const ResourceType& t, const std::string& ns, const std::string& name,
                  nlohmann::json body, bool status, const WriteOptions& options,
                  nlohmann::json* out);
  ApiError Patch(const ResourceType& t, const std::string& ns, const std::string& name,
                 const std::string& content_type, const std::string& body, bool status,
                 const WriteOptions& options, nlohmann::json* out);
  // `delete_options` is a DeleteOptions object (may be null).
  ApiError Delete(const ResourceType& t, const std::string& ns, const std::string& name,
                  const nlohmann::json& delete_options, nlohmann::json* out);

 private:
  // Everything below runs with store_->mu held.
  ApiError CheckNamespace(const ResourceType& t, const std::string& ns, const std::string& name);
  // `status_only`: a status subresource write; only `status` is defaulted, pruned and
  // validated, the rest was accepted when it was written (like the real server's CRD
  // validation ratcheting, an object stored under an older schema keeps a writable status).
  ApiError Admit(const ResourceType& t, nlohmann::json* obj, const WriteOptions& options,
                 bool status_only = false);
  ApiError UpdateLocked(const ResourceType& t, const std::string& ns, const std::string& name,
                        nlohmann::json candidate, bool status, const WriteOptions& options,
                        nlohmann::json* out);
  void DeleteLocked(const ResourceType& t, const std::string& ns, const std::string& name,
                    const std::string& policy, nlohmann::json* out);
  void FinishDeletion(const ResourceType& t, const std::string& ns, const std::string& name,
                      nlohmann::json obj, const std::string& policy);
  void CollectDependents(const std::string& owner_uid, const std::string& policy);
  void MaybeFinishNamespace(const std::string& ns);
  std::optional<ResourceType> TypeOfBucket(const std::string& bucket) const;
  void OnCrdStored(nlohmann::json* crd);

  Registry* registry_;
  Store* store_;
};

// RFC 3339 UTC, second precision, as metav1.Time marshals.
std::string NowTimestamp();
std::string NewUid();

}  // namespace c8s::kubelocal
