// The Secrets.Release decision (ARCHITECTURE.md §3.6, invariant 6): a secret is released only
// when all three conditions hold, checked in this order and each refusal naming the check:
//   1. the caller's workload identity (from its workload certificate) is in `releaseTo`;
//   2. the secret's constraints hold (`notAfter`, the requested version exists);
//   3. the caller's node claims, carried in the certificate, satisfy the secret's policy, and
//      what the certificate does not carry is guaranteed by the node policy of the manifest
//      generation the certificate was issued under (carried_claims.h).
//
//   ASSIGN_OR_RETURN(const manifest::Secret* s, DecideRelease(active, "shop/db", 0, caller,
//                                                             issued_under, now));
#pragma once

#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "lib/crypto/cert_profile.h"
#include "lib/manifest/model.h"

namespace c8s::cds {

struct ReleaseRequestView {
  std::string_view ref;
  int64_t version = 0;  // 0: the current version
};

// `issued_under`: the manifest active when the caller's workload certificate was issued (null
// if unknown: then nothing uncarried is guaranteed). `generation` names the active one.
absl::StatusOr<const manifest::Secret*> DecideRelease(const manifest::Manifest& active,
                                                      int64_t generation,
                                                      const ReleaseRequestView& request,
                                                      const crypto::C8sClaimsExtension& caller,
                                                      const manifest::Manifest* issued_under,
                                                      absl::Time now);

}  // namespace c8s::cds
