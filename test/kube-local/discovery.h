// Discovery documents (legacy, unaggregated: /api, /api/v1, /apis, /apis/<g>, /apis/<g>/<v>)
// and OpenAPI v3 documents (/openapi/v3 and one per group-version) built from the registry.
// kubectl asks for aggregated discovery first; the server answers these legacy forms with
// Content-Type application/json, which client-go accepts as the fallback.
//
//   nlohmann::json groups = ApiGroupList(registry);
//   std::optional<nlohmann::json> doc = OpenApiV3GroupVersion(registry, "apis/c8s.dev/v1alpha1");
#pragma once

#include <optional>
#include <string>

#include "nlohmann/json.hpp"
#include "test/kube-local/resource_types.h"

namespace c8s::kubelocal {

nlohmann::json ApiVersions(const std::string& server_address);
nlohmann::json ApiGroupList(const Registry& registry);
std::optional<nlohmann::json> ApiGroup(const Registry& registry, const std::string& group);
// nullopt when no kind is served under that group/version.
std::optional<nlohmann::json> ApiResourceList(const Registry& registry, const std::string& group,
                                              const std::string& version);

nlohmann::json OpenApiV3Root(const Registry& registry);
// `gv_path` is "api/v1" or "apis/<group>/<version>".
std::optional<nlohmann::json> OpenApiV3GroupVersion(const Registry& registry,
                                                    const std::string& gv_path);

}  // namespace c8s::kubelocal
