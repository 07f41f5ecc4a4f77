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

absl::StatusOr<attest::Evidence> EvidenceFromJson(const nlohmann::json& j) {
  if (!j.is_object()) return absl::InvalidArgumentError("evidence: not an object");
  for (const char* k : {"platform", "report", "auxblob"}) {
    if (!j.contains(k) || !j[k].is_string()) {
      return absl::InvalidArgumentError(StrCat("evidence: no string \"", k, "\""));
    }
  }
  if (!j.contains("certificates") || !j["certificates"].is_array()) {
    return absl::InvalidArgumentError("evidence: no array \"certificates\"");
  }
  attest::Evidence ev;
  ASSIGN_OR_RETURN(ev.platform, ParsePlatform(j["platform"].get<std::string>()));
  absl::StatusOr<Bytes> report = Base64Decode(j["report"].get<std::string>());
  absl::StatusOr<Bytes> aux = Base64Decode(j["auxblob"].get<std::string>());
  if (!report.ok() || !aux.ok()) return absl::InvalidArgumentError("evidence: bad base64");
  ev.report = std::move(*report);
  ev.auxblob = std::move(*aux);
  for (const nlohmann::json& c : j["certificates"]) {
    if (!c.is_string()) return absl::InvalidArgumentError("evidence: certificate not a string");
    absl::StatusOr<Bytes> der = Base64Decode(c.get<std::string>());
    if (!der.ok()) return absl::InvalidArgumentError("evidence: bad base64 certificate");
    ev.certs.push_back(std::move(*der));
  }
  return ev;
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
