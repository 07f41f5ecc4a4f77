// What the CDS says about itself to clients (ARCHITECTURE.md §3.1 step 4): evidence from its
// node agent binding a client nonce to its CA certificate and sealing key (c8s/pod/v1
// wrapping c8s/cds/v1), and its state (claimed, history head). Shared by the gRPC
// Attestation service and GET /v1/attestation.
//
//   ASSIGN_OR_RETURN(AttestationAnswer a, Attest(*cds, source, nonce));
//   std::string body = AttestationJson(a).dump();
//
// JSON is the proto3 JSON mapping of c8s.cds.v1.GetAttestationResponse (lowerCamel names,
// bytes as standard base64), plus "cluster".
#pragma once

#include "absl/status/statusor.h"
#include "cds/cds.h"
#include "cds/own_evidence.h"
#include "nlohmann/json.hpp"

namespace c8s::cds {

struct AttestationAnswer {
  OwnEvidenceResult evidence;
  AttestationInfo info;
};

// `nonce`: 32 bytes chosen by the client. `source` null: Unavailable.
absl::StatusOr<AttestationAnswer> Attest(Cds& cds, OwnEvidence* source, ByteSpan nonce);
nlohmann::json AttestationJson(const AttestationAnswer& answer);
nlohmann::json EvidenceJson(const attest::Evidence& evidence);
// The inverse, for outside input: every field checked.
absl::StatusOr<attest::Evidence> EvidenceFromJson(const nlohmann::json& j);

}  // namespace c8s::cds
