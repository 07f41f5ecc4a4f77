// Verifying the attested CDS (ARCHITECTURE.md §3.1 step 4): given the nonce a client chose and
// the CDS's GetAttestation answer, check the vendor chain and evidence (lib/attest), the
// report-data binding c8s/pod/v1(image, pod, c8s/cds/v1(nonce, CA cert, sealing key)), the
// hardware reference values and CDS image, and the CA certificate and sealing key themselves.
// Only then is the CA worth pinning. This is the trust anchor of c8sctl and of node agents.
//
//   ASSIGN_OR_RETURN(CdsReferenceValues ref, ParseCdsReferenceValues(text));
//   Bytes nonce = crypto::RandomBytes(32);
//   ASSIGN_OR_RETURN(CdsAttestation att, client.GetAttestation(nonce));
//   ASSIGN_OR_RETURN(VerifiedCds cds, VerifyCdsAttestation(nonce, att, ref, {}));
//   // cds.ca is the pinned CA, cds.sealing_key the attested HPKE recipient
//
// Every refusal is a status carrying an attest::VerifyErrorKind (verify_error.h) whose
// message starts with the failed check: "evidence: …" (chain, signature), "report data: …",
// "image: …", "pod: …", "node policy: …", "cds policy: …", "ca certificate: …",
// "sealing key: …", "state: …".
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "client/sdk/pod_evidence.h"
#include "client/sdk/reference_values.h"
#include "lib/attest/claims.h"
#include "lib/attest/evidence.h"
#include "lib/attest/tdx_verifier.h"
#include "lib/crypto/keys.h"
#include "lib/crypto/x509.h"
#include "lib/manifest/model.h"

namespace c8s::client {

// What Attestation.GetAttestation answers (c8s.cds.v1), in our own types.
struct CdsAttestation {
  attest::Evidence evidence;
  std::string image_digest;
  std::string pod_ref;
  Bytes ca_certificate_der;
  Bytes sealing_public_key_der;  // X25519 SPKI DER
  bool claimed = false;
  int64_t history_generation = 0;
  std::string history_head_hash;
  std::string approval_mode;  // "Owner" / "Automatic"
};

// The CDS's claimed state. Not covered by the report data: it is as trustworthy as the channel
// it came over (check it against the CA-signed history, history_check.h).
struct CdsState {
  bool claimed = false;
  int64_t generation = 0;
  std::string head_hash;
  manifest::ApprovalMode mode = manifest::ApprovalMode::kOwner;
};

struct VerifiedCds {
  crypto::Certificate ca;
  std::string cluster;  // "sha256:" + H(CA SPKI DER)
  crypto::PublicKey sealing_key;
  attest::Claims claims;  // of the CVM the CDS runs in
  std::string image_digest;
  std::string pod_ref;
  CdsState state;
};

absl::StatusOr<VerifiedCds> VerifyCdsAttestation(ByteSpan nonce, const CdsAttestation& att,
                                                 const CdsReferenceValues& ref,
                                                 const VerifyCdsOptions& options);

// The report data the CDS must have put into its evidence for `nonce`.
attest::ReportData ExpectedCdsReportData(ByteSpan nonce, const CdsAttestation& att);

}  // namespace c8s::client
