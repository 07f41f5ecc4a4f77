// Server-side printing: the meta.k8s.io/v1 Table kubectl asks for
// (`Accept: application/json;as=Table;v=v1;g=meta.k8s.io`), with columns from a CRD's
// additionalPrinterColumns evaluated by a JSONPath subset: `.a.b`, `.a[0]`, `.a[*].b`,
// `.a[?(@.k=="v")].b`.
//
//   nlohmann::json table = ToTable(type, {obj1, obj2}, rv, "PartialObjectMetadata");
//   std::vector<nlohmann::json> hits = EvalJsonPath(".status.conditions[0].type", obj);
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"
#include "test/kube-local/resource_types.h"

namespace c8s::kubelocal {

// Every value `path` selects in `root`; an unparsable path selects nothing (error).
absl::StatusOr<std::vector<nlohmann::json>> EvalJsonPath(const std::string& path,
                                                         const nlohmann::json& root);

// `include_object`: "None", "Object" or "PartialObjectMetadata" (the default).
nlohmann::json ToTable(const ResourceType& t, const std::vector<nlohmann::json>& objects,
                       const std::string& resource_version, const std::string& include_object);

// "5s", "3m10s", "2d4h": kubectl's age notation.
std::string HumanDuration(int64_t seconds);

// True when an Accept header asks for a Table.
bool WantsTable(const std::string& accept);

}  // namespace c8s::kubelocal
