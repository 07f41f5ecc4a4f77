#include "client/sdk/cds_attestation.h"

#include <algorithm>

#include "lib/attest/report_data.h"
#include "lib/attest/snp_verifier.h"
#include "lib/attest/verify_error.h"
#include "lib/base/status.h"
#include "lib/base/strings.h"
#include "lib/crypto/hash.h"
#include "lib/manifest/approval.h"

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

absl::Status CheckIdentity(const CdsAttestation& att, const CdsReferenceValues& ref) {
  if (absl::Status st = CheckImageDigest(att.image_digest); !st.ok()) {
    return VerifyError(VerifyErrorKind::kPolicy, StrCat("image: ", StatusText(st)));
  }
  if (std::find(ref.images.begin(), ref.images.end(), att.image_digest) == ref.images.end()) {
    return VerifyError(VerifyErrorKind::kPolicy,
                       StrCat("image: the CDS runs image ", att.image_digest, ", want one of [",
                              Join(ref.images, ", "), "]"));
  }
  if (ref.pod_refs &&
      std::find(ref.pod_refs->begin(), ref.pod_refs->end(), att.pod_ref) == ref.pod_refs->end()) {
    return VerifyError(VerifyErrorKind::kPolicy,
                       StrCat("pod: the CDS runs as pod \"", att.pod_ref, "\", want one of [",
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

absl::StatusOr<crypto::Certificate> CheckCa(ByteSpan der, absl::Time now) {
  auto bad = [](std::string_view why) {
    return VerifyError(VerifyErrorKind::kCertificate, StrCat("ca certificate: ", why));
  };
  absl::StatusOr<crypto::Certificate> ca = crypto::Certificate::FromDer(der);
  if (!ca.ok()) return bad(StatusText(ca.status()));
  if (!ca->IsCa()) return bad(StrCat(ca->Subject(), " is not a CA certificate"));
  absl::StatusOr<crypto::PublicKey> key = ca->GetPublicKey();
  if (!key.ok()) return bad(StatusText(key.status()));
  if (key->type() != crypto::KeyType::kP256) {
    return bad(StrCat("key is ", crypto::KeyTypeName(key->type()), ", want P-256"));
  }
  // Self-signed and valid now: the cluster CA is its own root.
  if (absl::Status st = crypto::VerifyChain(*ca, {}, {*ca}, now); !st.ok()) {
    return bad(StatusText(st));
  }
  return ca;
}

absl::StatusOr<CdsState> CheckState(const CdsAttestation& att) {
  auto bad = [](std::string_view why) {
    return VerifyError(VerifyErrorKind::kParse, StrCat("state: ", why));
  };
  CdsState s{att.claimed, att.history_generation, att.history_head_hash,
             manifest::ApprovalMode::kOwner};
  if (att.approval_mode == "Automatic") {
    s.mode = manifest::ApprovalMode::kAutomatic;
  } else if (att.approval_mode != "Owner") {
    return bad(StrCat("approval mode \"", att.approval_mode, "\": want Owner or Automatic"));
  }
  if (s.generation < 0 || s.claimed != (s.generation > 0)) {
    return bad(StrCat("claimed=", s.claimed, " with history generation ", s.generation));
  }
  if (!CheckImageDigest(s.head_hash).ok()) {  // the same shape: sha256:<64 lowercase hex>
    return bad(StrCat("history head \"", s.head_hash, "\": want sha256:<64 hex>"));
  }
  if (!s.claimed && s.head_hash != manifest::kZeroEntryHash) {
    return bad(StrCat("unclaimed but history head ", s.head_hash));
  }
  return s;
}

}  // namespace

attest::ReportData ExpectedCdsReportData(ByteSpan nonce, const CdsAttestation& att) {
  attest::ReportData role =
      attest::CdsRoleBinding(nonce, att.ca_certificate_der, att.sealing_public_key_der);
  return attest::PodReportData(att.image_digest, att.pod_ref, role);
}

absl::StatusOr<VerifiedCds> VerifyCdsAttestation(ByteSpan nonce, const CdsAttestation& att,
                                                 const CdsReferenceValues& ref,
                                                 const VerifyCdsOptions& options) {
  if (nonce.size() != 32) {
    return absl::InvalidArgumentError(StrCat("nonce: ", nonce.size(), " bytes, want 32"));
  }
  ASSIGN_OR_RETURN(attest::Claims claims, VerifyEvidence(att.evidence, ref, options));

  Bytes want = attest::ToBytes(ExpectedCdsReportData(nonce, att));
  if (claims.report_data != want) {
    return VerifyError(
        VerifyErrorKind::kReportData,
        StrCat("report data: evidence carries ", HexEncode(claims.report_data),
               ", want SHA-512(c8s/pod/v1 || image || pod || H(c8s/cds/v1 binding of nonce, "
               "CA certificate and sealing key)) = ",
               HexEncode(want), " (evidence for another nonce, CA, sealing key, image or pod)"));
  }
  RETURN_IF_ERROR(CheckIdentity(att, ref));
  RETURN_IF_ERROR(CheckPolicy("node", ref.node, claims));
  RETURN_IF_ERROR(CheckPolicy("cds", ref.cds, claims));

  ASSIGN_OR_RETURN(crypto::Certificate ca, CheckCa(att.ca_certificate_der, options.now));
  absl::StatusOr<crypto::PublicKey> sealing =
      crypto::PublicKey::FromSpkiDer(att.sealing_public_key_der);
  if (!sealing.ok()) {
    return VerifyError(VerifyErrorKind::kCertificate,
                       StrCat("sealing key: ", StatusText(sealing.status())));
  }
  if (sealing->type() != crypto::KeyType::kX25519) {
    return VerifyError(
        VerifyErrorKind::kCertificate,
        StrCat("sealing key: ", crypto::KeyTypeName(sealing->type()), ", want X25519"));
  }
  ASSIGN_OR_RETURN(CdsState state, CheckState(att));
  std::string cluster = manifest::ClusterId(*ca.GetPublicKey());
  return VerifiedCds{std::move(ca),    std::move(cluster), *std::move(sealing), std::move(claims),
                     att.image_digest, att.pod_ref,        std::move(state)};
}

}  // namespace c8s::client
