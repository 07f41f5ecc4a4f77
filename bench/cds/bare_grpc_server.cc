#include "bench/cds/bare_grpc_server.h"

#include <grpcpp/generic/async_generic_service.h>
#include <grpcpp/grpcpp.h>
#include <signal.h>
#include <unistd.h>

#include <sstream>

#include "absl/time/clock.h"
#include "bench/cds/bench_cds.h"
#include "cds/grpc_server_setup.h"
#include "lib/base/child_process.h"
#include "lib/base/fd.h"
#include "lib/base/status.h"
#include "lib/base/strings.h"

namespace c8s::bench {
namespace {

// Reads the request, answers with an empty message (a valid encoding of every response).
class EmptyAnswer : public grpc::ServerGenericBidiReactor {
 public:
  EmptyAnswer() {
    grpc::Slice nothing;  // gRPC refuses to send a ByteBuffer that holds no slice at all
    response_ = grpc::ByteBuffer(&nothing, 1);
    StartRead(&request_);
  }
  void OnReadDone(bool ok) override {
    if (!ok) return Finish(grpc::Status::OK);
    StartWriteAndFinish(&response_, grpc::WriteOptions(), grpc::Status::OK);
  }
  void OnDone() override { delete this; }

 private:
  grpc::ByteBuffer request_, response_;
};

class AnswerEverything : public grpc::CallbackGenericService {
  grpc::ServerGenericBidiReactor* CreateReactor(grpc::GenericCallbackServerContext*) override {
    return new EmptyAnswer;
  }
};

// The child: serves until killed; reports its port (or 0) on `port_fd`.
int Serve(const crypto::TlsIdentity& identity, int port_fd) {
  AnswerEverything service;
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort("127.0.0.1:0", cds::CdsServerCredentials(identity), &port);
  builder.RegisterCallbackGenericService(&service);
  cds::ApplyCdsServerOptions(builder, 4 << 20);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (::write(port_fd, &port, sizeof port) != sizeof port || server == nullptr) return 1;
  ::close(port_fd);
  server->Wait();
  return 0;
}

}  // namespace

absl::StatusOr<BareGrpcServer> StartBareGrpcServer() {
  absl::Time now = absl::Now();
  ASSIGN_OR_RETURN(crypto::PrivateKey ca_key, crypto::PrivateKey::Generate(crypto::KeyType::kP256));
  ASSIGN_OR_RETURN(crypto::CertificateAuthority ca,
                   crypto::CertificateAuthority::CreateSelfSigned(
                       std::move(ca_key), {"bare gRPC CA", "c8s-bench"}, now - absl::Hours(1),
                       now + absl::Hours(24)));
  ASSIGN_OR_RETURN(crypto::PrivateKey key, crypto::PrivateKey::Generate(crypto::KeyType::kP256));
  crypto::IssueOptions leaf = crypto::LeafOptions({"bare", "c8s-bench"}, now, absl::Hours(24));
  leaf.server_auth = true;
  leaf.sans.dns = {"localhost"};
  leaf.sans.ips = {"127.0.0.1"};
  ASSIGN_OR_RETURN(crypto::Certificate cert, ca.Issue(key.GetPublicKey(), leaf));
  crypto::TlsIdentity identity{{cert, ca.certificate()}, std::move(key)};
  int fds[2];
  if (::pipe(fds) != 0) return absl::InternalError("pipe");
  BareGrpcServer server{-1, 0, ca.certificate()};
  server.pid = Fork([&] {
    ::close(fds[0]);
    return Serve(identity, fds[1]);
  });
  ::close(fds[1]);
  ssize_t n = ::read(fds[0], &server.port, sizeof server.port);
  ::close(fds[0]);
  if (n != sizeof server.port || server.port == 0) {
    StopBareGrpcServer(server);
    return absl::UnavailableError("bare gRPC server did not start");
  }
  return server;
}

void StopBareGrpcServer(BareGrpcServer& server) {
  StopChild(server.pid, SIGKILL);
  server.pid = -1;
}

absl::StatusOr<double> ProcessCpuSeconds(pid_t pid) {
  ASSIGN_OR_RETURN(std::string stat, ReadFile(StrCat("/proc/", pid, "/stat")));
  // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
  size_t close = stat.rfind(')');
  if (close == std::string::npos) return absl::DataLossError("unreadable /proc stat");
  std::istringstream fields(stat.substr(close + 2));
  std::string field;
  long ticks = 0;
  for (int i = 3; i <= 15 && fields >> field; ++i) {
    if (i >= 14) ticks += std::stol(field);
  }
  return static_cast<double>(ticks) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

}  // namespace c8s::bench
