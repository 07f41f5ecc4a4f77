#include "bench/operator/cds_child.h"

#include <grpcpp/grpcpp.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <thread>

#include "c8s/cds/v1/cds.grpc.pb.h"
#include "lib/base/fd.h"
#include "lib/base/status.h"
#include "lib/base/strings.h"
#include "lib/crypto/grpc_tls.h"
#include "lib/crypto/x509.h"

namespace c8s::bench {
namespace {

namespace v1 = ::c8s::cds::v1;

// The benchmark bootstraps like an owner: the CA comes from GetAttestation of a CDS it
// started itself (simulated evidence); the operator then pins it.
class AnyServer : public crypto::PeerVerifier {
 public:
  absl::StatusOr<crypto::VerifiedPeer> Verify(const std::vector<Bytes>& chain) const override {
    if (chain.empty()) return absl::UnauthenticatedError("no server certificate");
    ASSIGN_OR_RETURN(crypto::Certificate leaf, crypto::Certificate::FromDer(chain[0]));
    return crypto::VerifiedPeer{leaf, {leaf}, "", {}};
  }
};

std::shared_ptr<grpc::Channel> Channel(const std::string& address) {
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(64 << 20);
  return grpc::CreateCustomChannel(
      address, crypto::MakeGrpcChannelCredentials(std::nullopt, std::make_shared<AnyServer>()),
      args);
}

}  // namespace

absl::StatusOr<std::unique_ptr<CdsChild>> CdsChild::Start(const std::string& binary,
                                                          const std::string& dir) {
  std::string port_file = dir + "/cds-port";
  pid_t pid = fork();
  if (pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);  // never outlive the benchmark
    execl(binary.c_str(), binary.c_str(), "--listen", "127.0.0.1:0", "--state-dir",
          (dir + "/cds").c_str(), "--simulate-own-evidence", "--port-file", port_file.c_str(),
          "--log-level", "error", static_cast<char*>(nullptr));
    _exit(127);
  }
  if (pid < 0) return absl::InternalError("fork failed");
  for (int i = 0; i < 800; ++i) {
    absl::StatusOr<std::string> p = ReadFile(port_file);
    if (p.ok() && !p->empty()) {
      return std::unique_ptr<CdsChild>(new CdsChild(pid, std::stoi(*p)));
    }
    int status;
    if (waitpid(pid, &status, WNOHANG) == pid) {
      return absl::UnavailableError(StrCat(binary, " exited with status ", status));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  kill(pid, SIGKILL);
  waitpid(pid, nullptr, 0);
  return absl::DeadlineExceededError(StrCat(binary, " did not start within 20 s"));
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
  kill(pid_, SIGTERM);
  int status = 0;
  struct rusage ru {};
  wait4(pid_, &status, 0, &ru);
  pid_ = -1;
  return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec +
         ru.ru_stime.tv_usec / 1e6;
}

}  // namespace c8s::bench
