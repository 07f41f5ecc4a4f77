// JSON from the container runtime (OCI config.json and state): parsed without guessing. A
// duplicate key is refused, because runc (Go's encoding/json) keeps the last occurrence while
// another reader might keep the first, and a gate that reads a different spec from the one the
// runtime executes is no gate. Large integers are accepted (OCI rlimits and resources are
// 64-bit) since nothing the gate decides on is numeric beyond device numbers and uids.
//
//   ASSIGN_OR_RETURN(nlohmann::json spec, ParseOciJson(text, "config.json"));
#pragma once

#include <nlohmann/json.hpp>
#include <string_view>

#include "absl/status/statusor.h"

namespace c8s::hook {

inline constexpr size_t kMaxOciJsonBytes = 4 << 20;
inline constexpr int kMaxOciJsonDepth = 64;

// InvalidArgument naming `what` and the problem (syntax with offset, duplicate key with its
// path, nesting, size).
absl::StatusOr<nlohmann::json> ParseOciJson(std::string_view text, std::string_view what);

}  // namespace c8s::hook
