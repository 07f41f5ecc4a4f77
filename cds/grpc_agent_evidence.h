// The CDS's own evidence from its node agent's pod API (c8s.agent.v1 Agent.GetEvidence on a
// unix socket mounted into the pod). The agent identifies the calling pod from the connection
// and binds its image digest and pod reference (c8s/pod/v1); the CDS sends only
// SHA-256(role binding) and gets back evidence plus the image digest and pod reference the
// agent bound, which the CDS reports to its verifiers unchanged.
//
//   AgentOwnEvidence agent("/run/c8s/agent.sock");
//   ASSIGN_OR_RETURN(OwnEvidenceResult e, agent.Get(attest::CdsRoleBinding(nonce, ca, seal)));
#pragma once

#include <memory>
#include <string>

#include "cds/own_evidence.h"

namespace grpc {
class Channel;
}

namespace c8s::cds {

class AgentOwnEvidence : public OwnEvidence {
 public:
  explicit AgentOwnEvidence(std::string socket_path, int timeout_ms = 5000);
  absl::StatusOr<OwnEvidenceResult> Get(const attest::ReportData& role_binding) override;
  std::string Describe() const override { return "node agent at " + socket_path_; }

 private:
  std::string socket_path_;
  int timeout_ms_;
  std::shared_ptr<grpc::Channel> channel_;
};

}  // namespace c8s::cds
