// Structural-schema handling of custom resources, in the API server's order: apply defaults,
// prune (or, with fieldValidation=Strict, report) unknown fields, then validate types,
// required fields, enums, bounds, lengths and patterns. CEL rules
// (x-kubernetes-validations) are not evaluated (README).
//
//   SchemaResult r = ApplySchema(type.schema(), &object);
//   if (!r.causes.empty()) return Invalid(type, name, r.causes);
#pragma once

#include <string>
#include <vector>

#include "nlohmann/json.hpp"
#include "test/kube-local/api_error.h"

namespace c8s::kubelocal {

struct SchemaResult {
  std::vector<FieldCause> causes;
  std::vector<std::string> unknown_fields;  // pruned paths, "spec.foo"
};

// `object` is a whole custom resource; apiVersion, kind and metadata are always kept.
SchemaResult ApplySchema(const nlohmann::json& schema, nlohmann::json* object);

// The metadata checks every kind gets: name (RFC 1123 subdomain), labels are strings.
std::vector<FieldCause> ValidateMetadata(const nlohmann::json& object);

}  // namespace c8s::kubelocal
