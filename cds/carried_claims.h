// Attestation policies checked against what a certificate carries (ARCHITECTURE.md §3.6):
// a workload certificate copies its node's verified platform, measurement and TCB; the other
// constraints a policy may set (debug, products, host data, chip IDs, ABI, VMPL, RTMRs, TDX
// TCB status) are not in the certificate and hold only if the policy the node was admitted
// under already guaranteed them ("implied"). Used by IssueWorkload (the node's admission
// policy must imply today's node policy) and Secrets.Release (the policy at the workload
// certificate's generation must imply the secret's policy).
//
//   attest::PolicyResult r = EvaluateCarried(secret_policy, cert_claims, &admitted_policy);
//   if (!r.ok) ... r.failures: "snp.measurement: got 5a5a…, want one of [...]",
//                  "snp.hostData: not carried by the certificate and not guaranteed by ..."
#pragma once

#include <string_view>

#include "absl/status/statusor.h"
#include "lib/attest/claims.h"
#include "lib/attest/policy.h"
#include "lib/crypto/cert_profile.h"

namespace c8s::cds {

// Platform, measurement and TCB from a certificate's c8s claims. Errors name the claim.
absl::StatusOr<attest::Claims> ClaimsFromCertificate(const crypto::C8sClaimsExtension& claims);

// `policy` against the carried claims; every constraint on a field the certificate does not
// carry must be at least as strict in `admitted` (null: nothing is guaranteed).
// `admitted_name` names it in failures.
attest::PolicyResult EvaluateCarried(const attest::AttestationPolicy& policy,
                                     const crypto::C8sClaimsExtension& claims,
                                     const attest::AttestationPolicy* admitted,
                                     std::string_view admitted_name);

}  // namespace c8s::cds
