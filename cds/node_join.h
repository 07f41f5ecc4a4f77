// The IssueNode decision (ARCHITECTURE.md §3.3): everything that must hold before the CA signs
// a node certificate, in a fixed order, each refusal naming the failed check with values:
// node name, CSR (parse, proof of possession, P-256), challenge (format, MAC, expiry),
// evidence (chain, signature via lib/attest), report-data binding to challenge and CSR key,
// the manifest's node policy, and last the single use of the challenge (replay).
//
//   ASSIGN_OR_RETURN(VerifiedNodeJoin v, VerifyNodeJoin(input, ctx));
//   ca.IssueNode(v.csr, {.claims = v.claims, ...});
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "cds/challenge.h"
#include "cds/own_evidence.h"
#include "lib/attest/claims.h"
#include "lib/attest/evidence.h"
#include "lib/attest/policy.h"
#include "lib/attest/snp_verifier.h"
#include "lib/crypto/x509.h"

namespace c8s::cds {

struct NodeJoinInput {
  Bytes csr_der;
  attest::Evidence evidence;
  Bytes challenge;
  std::string node_name;
};

struct NodeJoinContext {
  const attest::AttestationPolicy* policy = nullptr;
  std::string policy_name;
  ChallengeIssuer* challenges = nullptr;
  EvidenceCheck evidence;  // roots, caches and time for lib/attest
};

struct VerifiedNodeJoin {
  crypto::CertificateRequest csr;
  attest::Claims claims;
};

// Kubernetes node names: 1-253 chars of [a-z0-9.-], starting and ending alphanumeric.
absl::Status CheckNodeName(std::string_view name);
// "sev-snp", "simulated-sev-snp", "tdx", "simulated-tdx".
absl::StatusOr<attest::Platform> ParsePlatform(std::string_view name);

absl::StatusOr<VerifiedNodeJoin> VerifyNodeJoin(const NodeJoinInput& in,
                                                const NodeJoinContext& ctx);

}  // namespace c8s::cds
