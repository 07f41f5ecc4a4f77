#include "test/kube-local/api_error.h"

namespace c8s::kubelocal {
namespace {

ApiError Make(int code, std::string reason, std::string message, nlohmann::json details = {}) {
  ApiError e;
  e.code = code;
  e.reason = std::move(reason);
  e.message = std::move(message);
  e.details = std::move(details);
  return e;
}

nlohmann::json Details(const ResourceType& t, const std::string& name) {
  nlohmann::json d = {{"name", name}, {"kind", t.resource}};
  if (!t.group.empty()) d["group"] = t.group;
  return d;
}

}  // namespace

nlohmann::json ApiError::ToJson() const {
  nlohmann::json j = {
      {"kind", "Status"},    {"apiVersion", "v1"}, {"metadata", nlohmann::json::object()},
      {"status", "Failure"}, {"message", message}, {"reason", reason},
      {"code", code}};
  if (!details.is_null()) j["details"] = details;
  return j;
}

ApiError NotFound(const ResourceType& t, const std::string& name) {
  return Make(404, "NotFound", t.QualifiedResource() + " \"" + name + "\" not found",
              Details(t, name));
}

ApiError NamespaceNotFound(const std::string& ns) {
  return Make(404, "NotFound", "namespaces \"" + ns + "\" not found",
              {{"name", ns}, {"kind", "namespaces"}});
}

ApiError AlreadyExists(const ResourceType& t, const std::string& name) {
  return Make(409, "AlreadyExists", t.QualifiedResource() + " \"" + name + "\" already exists",
              Details(t, name));
}

ApiError Conflict(const ResourceType& t, const std::string& name, const std::string& why) {
  return Make(
      409, "Conflict",
      "Operation cannot be fulfilled on " + t.QualifiedResource() + " \"" + name + "\": " + why,
      Details(t, name));
}

ApiError Invalid(const ResourceType& t, const std::string& name,
                 const std::vector<FieldCause>& causes) {
  nlohmann::json d = Details(t, name);
  d["kind"] = t.kind;
  d["causes"] = nlohmann::json::array();
  std::string list;
  for (const FieldCause& c : causes) {
    d["causes"].push_back({{"reason", c.reason}, {"message", c.message}, {"field", c.field}});
    if (!list.empty()) list += ", ";
    list += c.field + ": " + c.message;
  }
  std::string qualified = t.group.empty() ? t.kind : t.kind + "." + t.group;
  std::string message = qualified + " \"" + name + "\" is invalid: ";
  message += causes.size() == 1 ? list : "[" + list + "]";
  return Make(422, "Invalid", message, d);
}

ApiError Gone(const std::string& message) { return Make(410, "Expired", message); }
ApiError BadRequest(const std::string& message) { return Make(400, "BadRequest", message); }
ApiError Unauthorized() { return Make(401, "Unauthorized", "Unauthorized"); }
ApiError MethodNotAllowed(const std::string& message) {
  return Make(405, "MethodNotAllowed", message);
}
ApiError UnsupportedMediaType(const std::string& content_type) {
  return Make(415, "UnsupportedMediaType",
              "the body of the request was in an unknown format - accepted media types "
              "include: application/json-patch+json, application/merge-patch+json, "
              "application/strategic-merge-patch+json (got " +
                  content_type + ")");
}
ApiError Forbidden(const ResourceType& t, const std::string& name, const std::string& why) {
  return Make(403, "Forbidden", t.QualifiedResource() + " \"" + name + "\" is forbidden: " + why,
              Details(t, name));
}
ApiError InternalError(const std::string& message) {
  return Make(500, "InternalError", "Internal error occurred: " + message);
}

}  // namespace c8s::kubelocal
