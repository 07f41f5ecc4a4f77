// The CDS's own evidence (ARCHITECTURE.md §1, §4): a pod never touches the TEE; its node agent
// binds the pod's image digest and pod reference around the CDS's role binding (c8s/pod/v1
// wrapping c8s/cds/v1, c8s/replica/v1 or c8s/recover/v1). Sources: the node agent's pod API
// (grpc_agent_evidence.h) and, for development and tests, a simulated TEE the CDS drives
// itself. VerifyPodEvidence is the other side: one CDS checking another (replica join).
//
//   ASSIGN_OR_RETURN(OwnEvidenceResult e, source->Get(attest::CdsRoleBinding(nonce, ca, seal)));
//   ASSIGN_OR_RETURN(attest::Claims c, VerifyPodEvidence(e.evidence, e.image_digest,
//                                                        e.pod_ref, role, check));
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "lib/attest/claims.h"
#include "lib/attest/evidence.h"
#include "lib/attest/policy.h"
#include "lib/attest/snp_verifier.h"
#include "lib/attest/tdx_verifier.h"

namespace c8s::cds {

struct OwnEvidenceResult {
  attest::Evidence evidence;
  std::string image_digest;
  std::string pod_ref;
};

class OwnEvidence {
 public:
  virtual ~OwnEvidence() = default;
  // Evidence whose report data is c8s/pod/v1(image, pod, SHA-256(role_binding)).
  virtual absl::StatusOr<OwnEvidenceResult> Get(const attest::ReportData& role_binding) = 0;
  virtual std::string Describe() const = 0;
};

// Plays the node agent with a simulated TEE (--simulate-own-evidence). Thread-safe.
class SimulatedOwnEvidence : public OwnEvidence {
 public:
  SimulatedOwnEvidence(std::unique_ptr<attest::EvidenceProvider> tee, std::string image_digest,
                       std::string pod_ref)
      : tee_(std::move(tee)),
        image_digest_(std::move(image_digest)),
        pod_ref_(std::move(pod_ref)) {}
  absl::StatusOr<OwnEvidenceResult> Get(const attest::ReportData& role_binding) override;
  std::string Describe() const override { return "simulated (development only)"; }

 private:
  std::unique_ptr<attest::EvidenceProvider> tee_;
  std::string image_digest_, pod_ref_;
  std::mutex mu_;
};

// How evidence from nodes and other CDS replicas is verified.
struct EvidenceCheck {
  std::vector<Bytes> simulated_roots;  // SNP ARKs / TDX roots of simulated platforms
  attest::SnpChainCache* chain_cache = nullptr;
  const attest::TdxCollateralBundle* tdx_collateral = nullptr;
  attest::AssuranceLevel assurance = attest::AssuranceLevel::kUnknown;
  absl::Time now;
};

// Chain and signature of SNP or TDX evidence (lib/attest), with the declared platform
// matching what the chain proves. Errors start with "evidence: ".
absl::StatusOr<attest::Claims> VerifyEvidence(const attest::Evidence& evidence,
                                              const EvidenceCheck& check);

// Agent-mediated evidence of another CDS: chain, report data = c8s/pod/v1(image, pod,
// role_binding), and `policy` (named `policy_name` in failures) when given.
absl::StatusOr<attest::Claims> VerifyPodEvidence(
    const attest::Evidence& evidence, std::string_view image_digest, std::string_view pod_ref,
    const attest::ReportData& role_binding, const attest::AttestationPolicy* policy,
    std::string_view policy_name, const EvidenceCheck& check);

}  // namespace c8s::cds
