// Shared pieces of the manifest and policy-bundle parsers (internal to lib/manifest).
#pragma once

#include <string>

#include "absl/status/status.h"
#include "lib/manifest/json_reader.h"
#include "lib/manifest/model.h"

namespace c8s::manifest::internal {

absl::Status ParseSelector(const Json& j, const std::string& path, Selector* out);
absl::Status ParseContainers(const Json& j, const std::string& path, std::vector<Container>* out);
absl::Status ParseRuntime(const Json& j, const std::string& path, RuntimePolicy* out);
absl::Status ParseEgress(const Json& j, const std::string& path, std::vector<EgressRule>* out);
absl::Status ParsePorts(const Json& j, const std::string& path, std::vector<int64_t>* out);
absl::Status ParseRefSet(const Json& j, const std::string& path, std::vector<std::string>* out);
absl::Status ParseIdentity(const Json& j, const std::string& path, Identity* out);
absl::Status ParseAttestationPolicy(const Json& j, const std::string& path, AttestationPolicy* out);
// Cross-references: roles, allowFrom, releaseTo, routes, owners in Owner mode.
absl::Status CheckReferences(const Manifest& m);

}  // namespace c8s::manifest::internal
