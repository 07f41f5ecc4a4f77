// API errors exactly as the Kubernetes API server reports them: an HTTP code plus a
// `Status` object (kind Status, status Failure, reason, message, details, code).
//
//   ApiError e = NotFound(type, "web");          // 404, `deployments.apps "web" not found`
//   if (!e.ok()) reply(e.code, e.ToJson());
#pragma once

#include <string>
#include <vector>

#include "nlohmann/json.hpp"
#include "test/kube-local/resource_types.h"

namespace c8s::kubelocal {

struct FieldCause {
  std::string reason;  // FieldValueInvalid, FieldValueRequired, FieldValueNotSupported, ...
  std::string field;   // "spec.replicas"
  std::string message;
};

struct ApiError {
  int code = 0;  // 0: success
  std::string reason;
  std::string message;
  nlohmann::json details;

  bool ok() const { return code == 0; }
  nlohmann::json ToJson() const;
};

ApiError NotFound(const ResourceType& t, const std::string& name);
ApiError NamespaceNotFound(const std::string& ns);
ApiError AlreadyExists(const ResourceType& t, const std::string& name);
ApiError Conflict(const ResourceType& t, const std::string& name, const std::string& why);
ApiError Invalid(const ResourceType& t, const std::string& name,
                 const std::vector<FieldCause>& causes);
ApiError Gone(const std::string& message);  // 410, reason Expired
ApiError BadRequest(const std::string& message);
ApiError Unauthorized();
ApiError MethodNotAllowed(const std::string& message);
ApiError UnsupportedMediaType(const std::string& content_type);
ApiError Forbidden(const ResourceType& t, const std::string& name, const std::string& why);
ApiError InternalError(const std::string& message);

}  // namespace c8s::kubelocal
