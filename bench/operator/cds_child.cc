#include "bench/operator/cds_child.h"

#include <grpcpp/grpcpp.h>

#include "c8s/cds/v1/cds.grpc.pb.h"
#include "lib/base/child_process.h"
#include "lib/base/status.h"
#include "lib/base/strings.h"
#include "lib/crypto/any_certificate.h"
#include "lib/crypto/grpc_tls.h"
#include "lib/crypto/x509.h"

namespace c8s::bench {
namespace {

namespace v1 = ::c8s::cds::v1;

// The benchmark bootstraps like an owner: the CA comes from GetAttestation of a CDS it
// started itself (simulated evidence); the operator then pins it.
std::shared_ptr<grpc::Channel> Channel(const std::string& address) {
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(64 << 20);
  return grpc::CreateCustomChannel(
      address,
      crypto::MakeGrpcChannelCredentials(std::nullopt,
                                         std::make_shared<crypto::AnyCertificateVerifier>()),
      args);
}

}  // namespace

absl::StatusOr<std::unique_ptr<CdsChild>> CdsChild::Start(const std::string& binary,
                                                          const std::string& dir) {
  std::string port_file = dir + "/cds-port";
  ChildOptions never_outlive_the_benchmark;
  never_outlive_the_benchmark.die_with_parent = true;
  ASSIGN_OR_RETURN(pid_t pid, SpawnChild({binary, "--listen", "127.0.0.1:0", "--state-dir",
                                          dir + "/cds", "--simulate-own-evidence", "--port-file",
                                          port_file, "--log-level", "error"},
                                         never_outlive_the_benchmark));
  ASSIGN_OR_RETURN(int port, Annotate(WaitForPortFile(port_file, pid, absl::Seconds(20)), binary));
  return std::unique_ptr<CdsChild>(new CdsChild(pid, port));
}

CdsChild::~CdsChild() { Stop(); }

std::string CdsChild::address() const { return StrCat("127.0.0.1:", port_); }

absl::StatusOr<std::string> CdsChild::CaPem() const {
  auto stub = v1::Attestation::NewStub(Channel(address()));
  grpc::ClientContext ctx;
  v1::GetAttestationRequest req;
  req.set_nonce(std::string(32, 'n'));
  v1::GetAttestationResponse resp;
  grpc::Status s = stub->GetAttestation(&ctx, req, &resp);
  if (!s.ok()) return absl::UnavailableError(StrCat("GetAttestation: ", s.error_message()));
  ASSIGN_OR_RETURN(crypto::Certificate ca,
                   crypto::Certificate::FromDer(AsBytes(resp.ca_certificate_der())));
  return ca.ToPem();
}

absl::StatusOr<std::string> CdsChild::Pending(const std::string& hash) const {
  auto stub = v1::Manifest::NewStub(Channel(address()));
  grpc::ClientContext ctx;
  v1::GetPendingRequest req;
  req.set_manifest_hash(hash);
  v1::GetPendingResponse resp;
  grpc::Status s = stub->GetPending(&ctx, req, &resp);
  if (!s.ok()) return absl::NotFoundError(StrCat("GetPending: ", s.error_message()));
  return resp.manifest_json();
}

double CdsChild::Stop() {
  if (pid_ <= 0) return 0;
  double cpu = StopChild(pid_).cpu_seconds;
  pid_ = -1;
  return cpu;
}

}  // namespace c8s::bench
