#include "client/sdk/pod_evidence.h"

#include <algorithm>

#include "lib/attest/report_data.h"
#include "lib/attest/snp_verifier.h"
#include "lib/attest/verify_error.h"
#include "lib/base/status.h"
#include "lib/base/strings.h"

namespace c8s::client {
namespace {

using attest::VerifyError;
using attest::VerifyErrorKind;

bool IsSimulated(attest::Platform p) {
  return p == attest::Platform::kSimulatedSevSnp || p == attest::Platform::kSimulatedTdx;
}
bool IsTdx(attest::Platform p) {
  return p == attest::Platform::kTdx || p == attest::Platform::kSimulatedTdx;
}

std::string Join(const std::vector<std::string>& items, std::string_view sep) {
  std::string out;
  for (const std::string& s : items) out += (out.empty() ? "" : std::string(sep)) + s;
  return out;
}

bool AnyPolicyAllowsSimulated(const CdsReferenceValues& ref) {
  return (ref.node && ref.node->allow_simulated) || (ref.cds && ref.cds->allow_simulated);
}

absl::StatusOr<attest::Claims> VerifyEvidence(const attest::Evidence& ev,
                                              const CdsReferenceValues& ref,
                                              const VerifyCdsOptions& o) {
  if (IsSimulated(ev.platform) && !AnyPolicyAllowsSimulated(ref)) {
    return VerifyError(VerifyErrorKind::kSimulated,
                       StrCat("evidence: the CDS sent ", attest::PlatformName(ev.platform),
                              " evidence, but no reference policy allows simulated evidence"));
  }
  absl::StatusOr<attest::Claims> claims;
  if (IsTdx(ev.platform)) {
    attest::TdxVerifyOptions opt;
    opt.now = o.now;
    opt.collateral = o.tdx_collateral;
    opt.simulated_roots = o.simulated_roots;
    if (ref.assurance != attest::AssuranceLevel::kUnknown) opt.assurance = ref.assurance;
    attest::TdxCollateralBundle bundle;
    if (opt.collateral == nullptr && !o.tdx_collateral_dir.empty()) {
      // The FMSPC selecting the TCB info is in the PCK certificate: a first pass yields it.
      absl::StatusOr<attest::Claims> pre = attest::VerifyTdxEvidence(ev, opt);
      if (!pre.ok()) return attest::AnnotateVerify(pre.status(), "evidence");
      ASSIGN_OR_RETURN(bundle, attest::LoadTdxCollateralDir(o.tdx_collateral_dir, pre->fmspc));
      opt.collateral = &bundle;
    }
    claims = attest::VerifyTdxEvidence(ev, opt);
  } else {
    attest::SnpVerifyOptions opt;
    opt.now = o.now;
    opt.simulated_roots = o.simulated_roots;
    opt.cert_cache_dir = o.snp_cert_cache_dir;
    opt.crls = o.snp_crls;
    opt.assurance = ref.assurance;
    claims = attest::VerifySnpEvidence(ev, opt);
  }
  if (!claims.ok()) return attest::AnnotateVerify(claims.status(), "evidence");
  if (claims->platform != ev.platform) {
    return VerifyError(
        IsSimulated(claims->platform) ? VerifyErrorKind::kSimulated : VerifyErrorKind::kChain,
        StrCat("evidence: declared platform ", attest::PlatformName(ev.platform),
               " but the chain proves ", attest::PlatformName(claims->platform)));
  }
  return claims;
}

absl::Status CheckIdentity(std::string_view image, std::string_view pod,
                           const CdsReferenceValues& ref) {
  if (absl::Status st = CheckImageDigest(image); !st.ok()) {
    return VerifyError(VerifyErrorKind::kPolicy, StrCat("image: ", StatusText(st)));
  }
  if (std::find(ref.images.begin(), ref.images.end(), image) == ref.images.end()) {
    return VerifyError(VerifyErrorKind::kPolicy,
                       StrCat("image: the CDS runs image ", image, ", want one of [",
                              Join(ref.images, ", "), "]"));
  }
  if (ref.pod_refs &&
      std::find(ref.pod_refs->begin(), ref.pod_refs->end(), pod) == ref.pod_refs->end()) {
    return VerifyError(VerifyErrorKind::kPolicy,
                       StrCat("pod: the CDS runs as pod \"", pod, "\", want one of [",
                              Join(*ref.pod_refs, ", "), "]"));
  }
  return absl::OkStatus();
}

absl::Status CheckPolicy(std::string_view name, const std::optional<attest::AttestationPolicy>& p,
                         const attest::Claims& claims) {
  if (!p) return absl::OkStatus();
  attest::PolicyResult r = attest::EvaluatePolicy(*p, claims);
  if (r.ok) return absl::OkStatus();
  bool simulated = IsSimulated(claims.platform) && !p->allow_simulated;
  return VerifyError(simulated ? VerifyErrorKind::kSimulated : VerifyErrorKind::kPolicy,
                     StrCat(name, " policy: ", Join(r.failures, "; ")));
}

}  // namespace

absl::StatusOr<attest::Claims> VerifyPodEvidence(
    const attest::Evidence& evidence, std::string_view image_digest, std::string_view pod_ref,
    const attest::ReportData& role_binding, std::string_view binding, const CdsReferenceValues& ref,
    const VerifyCdsOptions& options) {
  ASSIGN_OR_RETURN(attest::Claims claims, VerifyEvidence(evidence, ref, options));
  Bytes want = attest::ToBytes(attest::PodReportData(image_digest, pod_ref, role_binding));
  if (claims.report_data != want) {
    return VerifyError(VerifyErrorKind::kReportData,
                       StrCat("report data: evidence carries ", HexEncode(claims.report_data),
                              ", want SHA-512(c8s/pod/v1 || image || pod || H(", binding,
                              ")) = ", HexEncode(want), " (evidence bound to something else)"));
  }
  RETURN_IF_ERROR(CheckIdentity(image_digest, pod_ref, ref));
  RETURN_IF_ERROR(CheckPolicy("node", ref.node, claims));
  RETURN_IF_ERROR(CheckPolicy("cds", ref.cds, claims));
  return claims;
}

}  // namespace c8s::client
