#include "cds/secret_release.h"

#include <algorithm>

#include "cds/carried_claims.h"
#include "cds/node_policy.h"
#include "lib/base/clock.h"
#include "lib/base/strings.h"

namespace c8s::cds {
namespace {

std::string Join(const std::vector<std::string>& v, std::string_view sep = ", ") {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : std::string(sep)) + s;
  return out;
}

const manifest::Secret* FindSecret(const manifest::Manifest& m, std::string_view ref) {
  for (const manifest::Secret& s : m.secrets) {
    if (s.ref == ref) return &s;
  }
  return nullptr;
}

}  // namespace

absl::StatusOr<const manifest::Secret*> DecideRelease(const manifest::Manifest& active,
                                                      int64_t generation,
                                                      const ReleaseRequestView& req,
                                                      const crypto::C8sClaimsExtension& caller,
                                                      const manifest::Manifest* issued_under,
                                                      absl::Time now) {
  if (!caller.workload_identity.has_value()) {
    return absl::PermissionDeniedError(
        "caller certificate is not a workload certificate (no workload identity claim)");
  }
  const std::string& identity = *caller.workload_identity;
  const manifest::Secret* secret = FindSecret(active, req.ref);
  if (secret == nullptr) {
    return absl::NotFoundError(StrCat("secret ", req.ref, " is not defined by the active manifest",
                                      " (generation ", generation, ")"));
  }
  // 1. Identity.
  if (std::find(secret->release_to.begin(), secret->release_to.end(), identity) ==
      secret->release_to.end()) {
    return absl::PermissionDeniedError(StrCat("releaseTo: identity ", identity,
                                              " may not receive secret ", secret->ref,
                                              " (releaseTo: [", Join(secret->release_to), "])"));
  }
  // 2. Constraints.
  if (secret->not_after.has_value()) {
    absl::StatusOr<absl::Time> end = ParseRfc3339(*secret->not_after);
    if (!end.ok() || now >= *end) {
      return absl::PermissionDeniedError(StrCat("notAfter: secret ", secret->ref, " expired at ",
                                                *secret->not_after, ", now ", FormatRfc3339(now)));
    }
  }
  if (req.version != 0 && secret->sealed.has_value() && req.version != secret->version) {
    return absl::NotFoundError(StrCat("secret ", secret->ref, " version ", req.version,
                                      " is not available (the active manifest seals version ",
                                      secret->version, ")"));
  }
  // 3. Node claims against the secret's policy.
  absl::StatusOr<attest::AttestationPolicy> policy = RolePolicy(active, secret->policy);
  if (!policy.ok()) return policy.status();
  std::optional<attest::AttestationPolicy> admitted;
  std::string admitted_name = "nothing (the certificate's manifest is unknown)";
  if (issued_under != nullptr) {
    absl::StatusOr<attest::AttestationPolicy> a =
        RolePolicy(*issued_under, issued_under->roles.nodes);
    if (a.ok()) admitted = std::move(*a);
    admitted_name = StrCat("node policy \"", issued_under->roles.nodes, "\" of generation ",
                           caller.manifest_generation.value_or(0));
  }
  attest::PolicyResult result =
      EvaluateCarried(*policy, caller, admitted ? &*admitted : nullptr, admitted_name);
  if (!result.ok) {
    return absl::PermissionDeniedError(
        StrCat("secret policy \"", secret->policy, "\": ", Join(result.failures, "; ")));
  }
  return secret;
}

}  // namespace c8s::cds
