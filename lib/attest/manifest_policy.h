// The bridge between the manifest's reference values (lib/manifest, strings as the owner
// wrote them) and lib/attest's evaluator (bytes, optional allow-lists). Used by the CDS (node
// and CDS roles) and by clients that take their expectations from a manifest.
//
//   ASSIGN_OR_RETURN(AttestationPolicy p, ManifestRolePolicy(manifest, manifest.roles.nodes));
//   PolicyResult r = EvaluatePolicy(p, claims);
//
// The manifest's "empty = not pinned" for hostData/chipIds/products becomes "not checked"
// (nullopt); measurements/mrtd stay required (empty accepts nothing), as MANIFEST.md says.
#pragma once

#include <string_view>

#include "absl/status/statusor.h"
#include "lib/attest/policy.h"
#include "lib/manifest/model.h"

namespace c8s::attest {

absl::StatusOr<AttestationPolicy> FromManifestPolicy(const manifest::AttestationPolicy& p);
// The policy named `role_policy_name` in `m.attestationPolicies`, converted; FailedPrecondition
// naming the role policy when the manifest has none of that name.
absl::StatusOr<AttestationPolicy> ManifestRolePolicy(const manifest::Manifest& m,
                                                     std::string_view role_policy_name);

}  // namespace c8s::attest
