#include "cds/grpc_agent_evidence.h"

#include <grpcpp/grpcpp.h>

#include "c8s/agent/v1/agent.grpc.pb.h"
#include "cds/node_join.h"
#include "lib/base/status.h"
#include "lib/base/strings.h"
#include "lib/crypto/hash.h"

namespace c8s::cds {

AgentOwnEvidence::AgentOwnEvidence(std::string socket_path, int timeout_ms)
    : socket_path_(std::move(socket_path)),
      timeout_ms_(timeout_ms),
      channel_(grpc::CreateChannel("unix:" + socket_path_, grpc::InsecureChannelCredentials())) {}

absl::StatusOr<OwnEvidenceResult> AgentOwnEvidence::Get(const attest::ReportData& role) {
  auto stub = c8s::agent::v1::Agent::NewStub(channel_);
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(timeout_ms_));
  c8s::agent::v1::GetEvidenceRequest req;
  Bytes hash = crypto::Sha256(role);
  req.set_role_binding_hash(std::string(AsChars(hash)));
  c8s::agent::v1::GetEvidenceResponse resp;
  grpc::Status st = stub->GetEvidence(&ctx, req, &resp);
  if (!st.ok()) {
    return absl::UnavailableError(
        StrCat("node agent ", socket_path_, ": GetEvidence: ", st.error_message()));
  }
  OwnEvidenceResult out;
  absl::StatusOr<attest::Platform> platform = ParsePlatform(resp.platform());
  if (!platform.ok()) return Annotate(platform.status(), "node agent evidence");
  out.evidence.platform = *platform;
  out.evidence.report = ToBytes(resp.report());
  for (const std::string& c : resp.certificates()) out.evidence.certs.push_back(ToBytes(c));
  out.image_digest = resp.image_digest();
  out.pod_ref = resp.pod_ref();
  if (out.image_digest.empty() || out.pod_ref.empty()) {
    return absl::DataLossError("node agent evidence: no image digest or pod reference");
  }
  return out;
}

}  // namespace c8s::cds
