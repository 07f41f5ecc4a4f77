// YAML -> JSON for Kubernetes manifests (CRDs, samples, kubeconfig): every document of a
// multi-document stream, plain scalars typed as YAML 1.2 core schema does (null, bool, int,
// float, else string), quoted scalars always strings.
//
//   ASSIGN_OR_RETURN(std::vector<nlohmann::json> docs, YamlToJson(ReadFile(path)));
#pragma once

#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"

namespace c8s::kube {

// Empty documents are skipped. Errors carry the YAML parser's line and column.
absl::StatusOr<std::vector<nlohmann::json>> YamlToJson(std::string_view text);

}  // namespace c8s::kube
