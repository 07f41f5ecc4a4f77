// The bridge between the manifest's reference values (lib/manifest, strings as the owner
// wrote them) and lib/attest's evaluator (bytes, optional allow-lists).
//
//   ASSIGN_OR_RETURN(attest::AttestationPolicy p, ToAttestPolicy(manifest, manifest.roles.nodes));
//   attest::PolicyResult r = attest::EvaluatePolicy(p, claims);
//
// The manifest's "empty = not pinned" for hostData/chipIds/products becomes "not checked"
// (nullopt); measurements/mrtd stay required (empty accepts nothing), as MANIFEST.md says.
#pragma once

#include <string_view>

#include "absl/status/statusor.h"
#include "lib/attest/policy.h"
#include "lib/manifest/model.h"

namespace c8s::cds {

absl::StatusOr<attest::AttestationPolicy> ToAttestPolicy(const manifest::AttestationPolicy& p);
// The policy named by `role_policy_name` in `m.attestationPolicies`, converted.
absl::StatusOr<attest::AttestationPolicy> RolePolicy(const manifest::Manifest& m,
                                                     std::string_view role_policy_name);

}  // namespace c8s::cds
