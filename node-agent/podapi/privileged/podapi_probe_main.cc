// Test helper: one pod-API call over the unix socket, as a pod would make it, printed as one
// JSON line: {"code": 0, "message": "", "imageDigest": ..., "podRef": ..., "report": "<hex>"}.
//   c8s_podapi_probe SOCKET evidence <role binding hash hex>
//   c8s_podapi_probe SOCKET secret <name>
#include <grpcpp/grpcpp.h>

#include <iostream>
#include <nlohmann/json.hpp>

#include "c8s/agent/v1/agent.grpc.pb.h"
#include "lib/base/bytes.h"

int main(int argc, char** argv) {
  if (argc != 4) {
    std::cerr << "usage: c8s_podapi_probe SOCKET evidence|secret ARG\n";
    return 2;
  }
  auto channel =
      grpc::CreateChannel(std::string("unix:") + argv[1], grpc::InsecureChannelCredentials());
  auto stub = c8s::agent::v1::Agent::NewStub(channel);
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
  nlohmann::json out;
  grpc::Status st;
  if (std::string(argv[2]) == "evidence") {
    c8s::agent::v1::GetEvidenceRequest req;
    auto hash = c8s::HexDecode(argv[3]);
    if (!hash.ok()) return 2;
    req.set_role_binding_hash(c8s::ToString(*hash));
    c8s::agent::v1::GetEvidenceResponse resp;
    st = stub->GetEvidence(&ctx, req, &resp);
    out["platform"] = resp.platform();
    out["imageDigest"] = resp.image_digest();
    out["podRef"] = resp.pod_ref();
    out["report"] = c8s::HexEncode(c8s::AsBytes(resp.report()));
    out["certificates"] = nlohmann::json::array();
    for (const std::string& c : resp.certificates()) {
      out["certificates"].push_back(c8s::HexEncode(c8s::AsBytes(c)));
    }
  } else {
    c8s::agent::v1::GetSecretRequest req;
    req.set_name(argv[3]);
    c8s::agent::v1::GetSecretResponse resp;
    st = stub->GetSecret(&ctx, req, &resp);
    out["value"] = resp.value();
    out["version"] = resp.version();
  }
  out["code"] = static_cast<int>(st.error_code());
  out["message"] = st.error_message();
  std::cout << out.dump() << "\n";
  return 0;
}
