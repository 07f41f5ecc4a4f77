#include "cds/node_join.h"

#include "lib/attest/report_data.h"
#include "lib/base/status.h"
#include "lib/base/strings.h"
#include "lib/crypto/hash.h"

namespace c8s::cds {
namespace {

bool IsAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

std::string JoinFailures(const std::vector<std::string>& failures) {
  std::string out;
  for (const std::string& f : failures) out += (out.empty() ? "" : "; ") + f;
  return out;
}

}  // namespace

absl::Status CheckNodeName(std::string_view name) {
  if (name.empty() || name.size() > 253 || !IsAlnum(name.front()) || !IsAlnum(name.back())) {
    return absl::InvalidArgumentError(StrCat("node name \"", name, "\": want 1-253 of [a-z0-9.-], ",
                                             "starting and ending alphanumeric"));
  }
  for (char c : name) {
    if (!IsAlnum(c) && c != '-' && c != '.') {
      return absl::InvalidArgumentError(
          StrCat("node name \"", name, "\": character '", c, "' not allowed"));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<attest::Platform> ParsePlatform(std::string_view name) {
  for (attest::Platform p : {attest::Platform::kSevSnp, attest::Platform::kTdx,
                             attest::Platform::kSimulatedSevSnp, attest::Platform::kSimulatedTdx}) {
    if (attest::PlatformName(p) == name) return p;
  }
  return absl::InvalidArgumentError(StrCat("evidence platform \"", name, "\": want one of ",
                                           "sev-snp, tdx, simulated-sev-snp, simulated-tdx"));
}

absl::StatusOr<VerifiedNodeJoin> VerifyNodeJoin(const NodeJoinInput& in,
                                                const NodeJoinContext& ctx) {
  RETURN_IF_ERROR(CheckNodeName(in.node_name));
  absl::StatusOr<crypto::CertificateRequest> csr = crypto::CertificateRequest::FromDer(in.csr_der);
  if (!csr.ok()) return Annotate(csr.status(), "csr");
  if (absl::Status st = csr->VerifySelfSignature(); !st.ok()) {
    return absl::InvalidArgumentError(StrCat("csr: proof of possession failed: ", StatusText(st)));
  }
  ASSIGN_OR_RETURN(crypto::PublicKey csr_key, csr->GetPublicKey());
  if (csr_key.type() != crypto::KeyType::kP256) {
    return absl::InvalidArgumentError(
        StrCat("csr: key is ", crypto::KeyTypeName(csr_key.type()), ", want P-256"));
  }
  RETURN_IF_ERROR(ctx.challenges->Check(in.challenge));

  ASSIGN_OR_RETURN(attest::Claims claims, VerifyEvidence(in.evidence, ctx.evidence));

  attest::ReportData want = attest::NodeReportData(in.challenge, csr->SpkiDer());
  if (claims.report_data != attest::ToBytes(want)) {
    return absl::PermissionDeniedError(StrCat(
        "report data mismatch: evidence carries ", attest::ShortHex(claims.report_data),
        ", want SHA-512(c8s/node/v1 || challenge || H(CSR SPKI)) = ",
        attest::ShortHex(attest::ToBytes(want)), " (evidence bound to another key or challenge)"));
  }
  attest::PolicyResult result = attest::EvaluatePolicy(*ctx.policy, claims);
  if (!result.ok) {
    return absl::PermissionDeniedError(
        StrCat("node policy \"", ctx.policy_name, "\": ", JoinFailures(result.failures)));
  }
  RETURN_IF_ERROR(ctx.challenges->Consume(in.challenge));
  return VerifiedNodeJoin{std::move(*csr), std::move(claims)};
}

}  // namespace c8s::cds
