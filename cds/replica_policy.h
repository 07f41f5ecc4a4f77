// Who may hold this cluster's seed (ARCHITECTURE.md §3.1 step 6): the seed goes only to a CDS
// whose evidence satisfies the active manifest's `cds` role policy and whose image the owner
// approved. Images: the containers of the manifest identity "c8s-system/cds" when the manifest
// defines it (that is how an owner approves a CDS upgrade), else exactly this CDS's own image.
// Before the claim there is no manifest: only the same measurement, platform and image as this
// CDS's own verified evidence.
//
//   RETURN_IF_ERROR(CheckReplicaPeer(active, peer_claims, peer_image, own_claims, own_image));
#pragma once

#include <string_view>

#include "absl/status/status.h"
#include "lib/attest/claims.h"
#include "lib/manifest/model.h"

namespace c8s::cds {

inline constexpr std::string_view kCdsIdentityRef = "c8s-system/cds";

// `active` null: unclaimed. Errors start with "replica peer: " and name the failed check.
absl::Status CheckReplicaPeer(const manifest::Manifest* active, const attest::Claims& peer,
                              std::string_view peer_image, const attest::Claims& own,
                              std::string_view own_image);

}  // namespace c8s::cds
