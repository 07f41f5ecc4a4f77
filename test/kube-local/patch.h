// The PATCH bodies c8s-kube-local accepts: JSON merge patch (RFC 7386), JSON patch (RFC 6902)
// and strategic merge patch with the patch keys of the built-in kinds c8s uses.
//
//   ASSIGN_OR_RETURN(nlohmann::json patched,
//                    ApplyPatch("application/merge-patch+json", current, body));
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"

namespace c8s::kubelocal {

// Strategic merge patch: objects merge recursively; lists of objects whose elements all carry
// `name` (containers, env, volumes, ports with names...) merge by that key, honouring
// `$patch: delete|replace`, `$setElementOrder/<list>`, `$deleteFromPrimitiveList/<list>` and
// `$retainKeys`; other lists are replaced, as the real server does for non-merge lists.
nlohmann::json StrategicMerge(const nlohmann::json& target, const nlohmann::json& patch);

// Dispatches on the Content-Type (parameters ignored). Errors are the message for a 400/415.
absl::StatusOr<nlohmann::json> ApplyPatch(const std::string& content_type,
                                          const nlohmann::json& current, const std::string& body);

// True when `content_type` names a patch type ApplyPatch understands.
bool IsSupportedPatchType(const std::string& content_type);

}  // namespace c8s::kubelocal
