// The CDS's names for the manifest -> attest policy bridge, which lives in
// lib/attest/manifest_policy.h (shared with clients that verify the CDS).
//
//   ASSIGN_OR_RETURN(attest::AttestationPolicy p, RolePolicy(manifest, manifest.roles.nodes));
#pragma once

#include <string_view>

#include "absl/status/statusor.h"
#include "lib/attest/manifest_policy.h"

namespace c8s::cds {

inline absl::StatusOr<attest::AttestationPolicy> ToAttestPolicy(
    const manifest::AttestationPolicy& p) {
  return attest::FromManifestPolicy(p);
}
inline absl::StatusOr<attest::AttestationPolicy> RolePolicy(const manifest::Manifest& m,
                                                            std::string_view role_policy_name) {
  return attest::ManifestRolePolicy(m, role_policy_name);
}

}  // namespace c8s::cds
