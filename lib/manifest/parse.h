// Parsing a manifest from outside input (MANIFEST.md): strict JSON, unknown fields refused,
// every format and cross-reference checked. Errors name the JSON path of the failed check.
//
//   ASSIGN_OR_RETURN(Manifest m, ParseManifest(text));
//   // "identities[0].runtime.privilegd: unknown field"
//   // "identities[1].allowFrom[0]: unknown identity \"shop/nope\""
#pragma once

#include <nlohmann/json.hpp>
#include <string_view>

#include "absl/status/statusor.h"
#include "lib/manifest/model.h"

namespace c8s::manifest {

// ParseStrictJson (no duplicate keys, valid UTF-8, no lone surrogates, |int| <= 2^53) then
// ParseManifestJson.
absl::StatusOr<Manifest> ParseManifest(std::string_view text);
absl::StatusOr<Manifest> ParseManifestJson(const nlohmann::json& doc);

// Checks a Manifest built in code (e.g. by the operator's compiler) with exactly the rules
// the parser applies, by serializing and parsing it.
absl::Status ValidateManifest(const Manifest& manifest);

}  // namespace c8s::manifest
