// Manifest -> JSON, canonical bytes (RFC 8785) and manifestHash (MANIFEST.md "Encoding").
//
//   nlohmann::json doc = ToJson(m);                       // every field, sets in model order
//   ASSIGN_OR_RETURN(std::string canon, CanonicalBytes(m));
//   ASSIGN_OR_RETURN(std::string hash, ManifestHash(m));  // "sha256:" + hex SHA-256(canon)
//
// For a parsed manifest, CanonicalBytes(ParseManifest(t)) == CanonicalJson(ParseStrictJson(t)):
// the model holds everything the document said, and nothing more.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "lib/manifest/model.h"

namespace c8s::manifest {

nlohmann::json ToJson(const Manifest& manifest);
// Pieces shared with the policy bundle.
nlohmann::json ToJson(const Selector& selector);
nlohmann::json ToJson(const std::vector<Container>& containers);
nlohmann::json ToJson(const RuntimePolicy& runtime);
nlohmann::json ToJson(const std::vector<EgressRule>& egress);

// RFC 8785 bytes of ToJson(manifest). Fails only for integers outside ±2^53.
absl::StatusOr<std::string> CanonicalBytes(const Manifest& manifest);
absl::StatusOr<std::string> ManifestHash(const Manifest& manifest);
// manifestHash of bytes that are already canonical (callers that keep CanonicalBytes).
std::string ManifestHashOfCanonical(std::string_view canonical);
// Indented JSON for people (c8sctl output, fixtures); not what is hashed.
std::string PrettyJson(const nlohmann::json& doc);

}  // namespace c8s::manifest
