#include "node-agent/podapi/grpc_pod_server.h"

#include <fcntl.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/server_posix.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <map>
#include <mutex>
#include <thread>

#include "c8s/agent/v1/agent.grpc.pb.h"
#include "lib/attest/claims.h"
#include "lib/base/log.h"
#include "lib/base/status.h"
#include "lib/base/strings.h"
#include "lib/base/unix_socket.h"

namespace c8s::podapi {
namespace {

namespace v1 = ::c8s::agent::v1;

grpc::Status ToGrpc(const absl::Status& st) {
  return grpc::Status(static_cast<grpc::StatusCode>(st.code()), std::string(st.message()));
}

// Callers by transport peer name; written at accept, read by handlers.
class Callers {
 public:
  void Set(const std::string& peer, absl::StatusOr<Caller> caller) {
    std::lock_guard lock(mu_);
    by_peer_.insert_or_assign(peer, std::move(caller));
  }
  absl::StatusOr<Caller> Get(const std::string& peer) const {
    std::lock_guard lock(mu_);
    auto it = by_peer_.find(peer);
    if (it == by_peer_.end()) {
      return absl::PermissionDeniedError(StrCat("connection ", peer, " was not identified"));
    }
    return it->second;
  }

 private:
  mutable std::mutex mu_;
  std::map<std::string, absl::StatusOr<Caller>> by_peer_;
};

class Service : public v1::Agent::Service {
 public:
  Service(PodApi* api, const Callers* callers) : api_(api), callers_(callers) {}

  grpc::Status GetEvidence(grpc::ServerContext* ctx, const v1::GetEvidenceRequest* req,
                           v1::GetEvidenceResponse* resp) override {
    absl::StatusOr<Caller> caller = callers_->Get(ctx->peer());
    if (!caller.ok()) return Refused(caller.status(), "GetEvidence");
    absl::StatusOr<PodEvidence> ev = api_->GetEvidence(*caller, AsBytes(req->role_binding_hash()));
    if (!ev.ok()) return ToGrpc(ev.status());
    resp->set_platform(std::string(attest::PlatformName(ev->evidence.platform)));
    resp->set_report(ToString(ev->evidence.report));
    for (const Bytes& c : ev->evidence.certs) resp->add_certificates(ToString(c));
    resp->set_auxblob(ToString(ev->evidence.auxblob));
    resp->set_image_digest(ev->image_digest);
    resp->set_pod_ref(ev->pod_ref);
    return grpc::Status::OK;
  }

  grpc::Status GetSecret(grpc::ServerContext* ctx, const v1::GetSecretRequest* req,
                         v1::GetSecretResponse* resp) override {
    absl::StatusOr<Caller> caller = callers_->Get(ctx->peer());
    if (!caller.ok()) return Refused(caller.status(), "GetSecret");
    absl::StatusOr<SecretValue> v = api_->GetSecret(*caller, req->name());
    if (!v.ok()) return ToGrpc(v.status());
    resp->set_value(ToString(v->value));
    resp->set_version(v->version);
    return grpc::Status::OK;
  }

 private:
  static grpc::Status Refused(const absl::Status& st, const char* method) {
    log::Warn("pod API call refused", {{"method", method}, {"error", StatusText(st)}});
    return ToGrpc(st);
  }
  PodApi* api_;
  const Callers* callers_;
};

class Server : public PodApiServer {
 public:
  Server(PodApi* api, const CallerResolver* resolver)
      : resolver_(resolver), service_(api, &callers_) {}

  absl::Status Run(const std::string& path) {
    ASSIGN_OR_RETURN(listener_, ListenUnixSocket(path, 0666));
    int pipe_fds[2];
    if (::pipe2(pipe_fds, O_CLOEXEC | O_NONBLOCK) != 0) return ErrnoStatus("pipe2", errno);
    wake_read_ = UniqueFd(pipe_fds[0]);
    wake_write_ = UniqueFd(pipe_fds[1]);
    grpc::ServerBuilder builder;
    builder.RegisterService(&service_);
    builder.SetMaxReceiveMessageSize(1 << 20);
    server_ = builder.BuildAndStart();
    if (server_ == nullptr) return absl::InternalError("pod API: gRPC server did not start");
    acceptor_ = std::thread([this] { Accept(); });
    log::Info("pod API listening", {{"path", path}});
    return absl::OkStatus();
  }

  void Stop() override {
    if (stopped_.exchange(true)) return;
    (void)::write(wake_write_.get(), "x", 1);
    if (acceptor_.joinable()) acceptor_.join();
    if (server_) {
      server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
      server_->Wait();
    }
  }
  ~Server() override { Stop(); }

 private:
  void Accept() {
    while (!stopped_) {
      struct pollfd fds[2] = {{listener_.get(), POLLIN, 0}, {wake_read_.get(), POLLIN, 0}};
      int n = ::poll(fds, 2, -1);
      if (n < 0 && errno == EINTR) continue;
      if (stopped_ || (fds[1].revents & POLLIN)) return;
      // gRPC drives the connection with non-blocking I/O.
      int fd = ::accept4(listener_.get(), nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
      if (fd < 0) continue;
      // Identify before gRPC sees a byte; the fd number is the transport's peer name, and it
      // cannot be reused before gRPC closes this connection.
      callers_.Set(StrCat("fd:", fd), resolver_->Resolve(fd));
      grpc::AddInsecureChannelFromFd(server_.get(), fd);
    }
  }

  const CallerResolver* resolver_;
  Callers callers_;
  Service service_;
  std::unique_ptr<grpc::Server> server_;
  UniqueFd listener_, wake_read_, wake_write_;
  std::thread acceptor_;
  std::atomic<bool> stopped_{false};
};

}  // namespace

absl::StatusOr<std::unique_ptr<PodApiServer>> PodApiServer::Start(const std::string& socket_path,
                                                                  PodApi* api,
                                                                  const CallerResolver* resolver) {
  auto server = std::make_unique<Server>(api, resolver);
  RETURN_IF_ERROR(server->Run(socket_path));
  return std::unique_ptr<PodApiServer>(std::move(server));
}

}  // namespace c8s::podapi
