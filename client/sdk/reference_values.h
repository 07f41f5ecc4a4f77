// What an owner (or a node agent) expects of the CDS it is about to trust: the reference
// values its attestation must meet. The CDS proves itself with agent-mediated evidence
// (ARCHITECTURE.md §4): hardware evidence of the CVM it runs in, whose report data binds
// c8s/pod/v1 (the CDS image digest and pod) wrapping c8s/cds/v1 (nonce, CA, sealing key).
// So the expectations are hardware reference values (lib/attest policies: the node the CDS
// runs on and/or the manifest's `cds` role) plus the CDS image digests.
//
//   ASSIGN_OR_RETURN(CdsReferenceValues ref, ParseCdsReferenceValues(file_text));
//   ASSIGN_OR_RETURN(ref, CdsReferenceValuesFromManifest(manifest, {"sha256:…"}));
//
// File format (JSON; unknown fields are errors so that a typo never weakens a check):
//   {"node": <attestation policy>, "cds": <attestation policy>,   // at least one of them
//    "images": ["sha256:<64 hex>"], "podRefs": ["c8s-system/cds-0"],  // podRefs optional
//    "assurance": "full-image"}                                       // optional
// Policies have the shape of MANIFEST.md `attestationPolicies` values (lib/attest/policy.h
// parses them; an allow-list that is present but empty accepts nothing). `assurance` states
// what the launch measurement covers on this deployment (ARCHITECTURE.md §1); the evidence
// cannot say. The hardware claims must satisfy every policy given.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "lib/attest/claims.h"
#include "lib/attest/policy.h"
#include "lib/manifest/model.h"

namespace c8s::client {

struct CdsReferenceValues {
  std::optional<attest::AttestationPolicy> node;  // the CVM hosting the CDS
  std::optional<attest::AttestationPolicy> cds;   // the manifest's `cds` role
  std::vector<std::string> images;                // allowed CDS image digests; empty: none
  std::optional<std::vector<std::string>> pod_refs;
  attest::AssuranceLevel assurance = attest::AssuranceLevel::kUnknown;
};

absl::StatusOr<CdsReferenceValues> ParseCdsReferenceValues(std::string_view text);
absl::StatusOr<CdsReferenceValues> CdsReferenceValuesFromJson(const nlohmann::json& doc);
nlohmann::json ToJson(const CdsReferenceValues& ref);

// The manifest's `cds` and `nodes` role policies with the given image digests: how an owner
// who already holds an approved manifest states what the CDS must be.
absl::StatusOr<CdsReferenceValues> CdsReferenceValuesFromManifest(const manifest::Manifest& m,
                                                                  std::vector<std::string> images);

// "full-image", "firmware-and-rtmrs", "firmware-only", "paravisor", "unknown".
absl::StatusOr<attest::AssuranceLevel> ParseAssuranceLevel(std::string_view name);
// "sha256:" + 64 lowercase hex digits, as image digests are written.
absl::Status CheckImageDigest(std::string_view digest);

}  // namespace c8s::client
