#include "client/sdk/cds_attestation.h"

#include <algorithm>

#include "client/sdk/pod_evidence.h"
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
  attest::ReportData role =
      attest::CdsRoleBinding(nonce, att.ca_certificate_der, att.sealing_public_key_der);
  ASSIGN_OR_RETURN(attest::Claims claims,
                   VerifyPodEvidence(att.evidence, att.image_digest, att.pod_ref, role,
                                     "c8s/cds/v1 binding of nonce, CA certificate and sealing key",
                                     ref, options));

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
