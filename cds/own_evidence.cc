#include "cds/own_evidence.h"

#include "lib/attest/report_data.h"
#include "lib/base/status.h"
#include "lib/base/strings.h"

namespace c8s::cds {

absl::StatusOr<OwnEvidenceResult> SimulatedOwnEvidence::Get(const attest::ReportData& role) {
  attest::ReportData rd = attest::PodReportData(image_digest_, pod_ref_, role);
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(attest::Evidence ev, tee_->GetEvidence(rd));
  return OwnEvidenceResult{std::move(ev), image_digest_, pod_ref_};
}

absl::StatusOr<attest::Claims> VerifyEvidence(const attest::Evidence& evidence,
                                              const EvidenceCheck& check) {
  absl::StatusOr<attest::Claims> claims;
  bool tdx = evidence.platform == attest::Platform::kTdx ||
             evidence.platform == attest::Platform::kSimulatedTdx;
  if (tdx) {
    attest::TdxVerifyOptions opt;
    opt.now = check.now;
    opt.simulated_roots = check.simulated_roots;
    opt.collateral = check.tdx_collateral;
    claims = attest::VerifyTdxEvidence(evidence, opt);
  } else {
    attest::SnpVerifyOptions opt;
    opt.now = check.now;
    opt.simulated_roots = check.simulated_roots;
    opt.cache = check.chain_cache;
    opt.assurance = check.assurance;
    claims = attest::VerifySnpEvidence(evidence, opt);
  }
  if (!claims.ok()) return Annotate(claims.status(), "evidence");
  if (evidence.platform != claims->platform) {
    return absl::InvalidArgumentError(
        StrCat("evidence: declared platform ", attest::PlatformName(evidence.platform),
               " but the chain proves ", attest::PlatformName(claims->platform)));
  }
  return claims;
}

absl::StatusOr<attest::Claims> VerifyPodEvidence(
    const attest::Evidence& evidence, std::string_view image_digest, std::string_view pod_ref,
    const attest::ReportData& role_binding, const attest::AttestationPolicy* policy,
    std::string_view policy_name, const EvidenceCheck& check) {
  ASSIGN_OR_RETURN(attest::Claims claims, VerifyEvidence(evidence, check));
  attest::ReportData want = attest::PodReportData(image_digest, pod_ref, role_binding);
  if (claims.report_data != attest::ToBytes(want)) {
    return absl::PermissionDeniedError(
        StrCat("report data mismatch: evidence carries ", attest::ShortHex(claims.report_data),
               ", want c8s/pod/v1(", image_digest, ", ", pod_ref,
               ", role binding) = ", attest::ShortHex(attest::ToBytes(want)),
               " (evidence bound to another connection, nonce or pod)"));
  }
  if (policy != nullptr) {
    attest::PolicyResult result = attest::EvaluatePolicy(*policy, claims);
    if (!result.ok) {
      std::string failures;
      for (const auto& f : result.failures) failures += (failures.empty() ? "" : "; ") + f;
      return absl::PermissionDeniedError(StrCat("policy \"", policy_name, "\": ", failures));
    }
  }
  return claims;
}

}  // namespace c8s::cds
