#include "cds/attestation.h"

#include "lib/attest/report_data.h"
#include "lib/base/status.h"
#include "lib/base/strings.h"

namespace c8s::cds {

absl::StatusOr<AttestationAnswer> Attest(Cds& cds, OwnEvidence* source, ByteSpan nonce) {
  if (nonce.size() != 32) {
    return absl::InvalidArgumentError(StrCat("nonce: ", nonce.size(), " bytes, want 32"));
  }
  if (source == nullptr) {
    return absl::UnavailableError("this CDS has no evidence provider configured");
  }
  AttestationInfo info = cds.Attestation();
  attest::ReportData role =
      attest::CdsRoleBinding(nonce, info.ca_certificate_der, info.sealing_public_key_der);
  absl::StatusOr<OwnEvidenceResult> ev = source->Get(role);
  if (!ev.ok()) return Annotate(ev.status(), "own evidence");
  return AttestationAnswer{std::move(*ev), std::move(info)};
}

nlohmann::json EvidenceJson(const attest::Evidence& ev) {
  nlohmann::json certs = nlohmann::json::array();
  for (const Bytes& c : ev.certs) certs.push_back(Base64Encode(c));
  return {{"platform", std::string(attest::PlatformName(ev.platform))},
          {"report", Base64Encode(ev.report)},
          {"certificates", certs},
          {"auxblob", Base64Encode(ev.auxblob)}};
}

nlohmann::json AttestationJson(const AttestationAnswer& a) {
  return {{"evidence", EvidenceJson(a.evidence.evidence)},
          {"imageDigest", a.evidence.image_digest},
          {"podRef", a.evidence.pod_ref},
          {"caCertificateDer", Base64Encode(a.info.ca_certificate_der)},
          {"sealingPublicKeyDer", Base64Encode(a.info.sealing_public_key_der)},
          {"claimed", a.info.claimed},
          {"historyGeneration", a.info.generation},
          {"historyHeadHash", a.info.head_hash},
          {"approvalMode", std::string(manifest::ApprovalModeName(a.info.mode))},
          {"cluster", a.info.cluster}};
}

}  // namespace c8s::cds
