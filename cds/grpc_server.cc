#include "cds/grpc_server.h"

#include <grpcpp/security/tls_credentials_options.h>

#include "cds/grpc_server_setup.h"
#include "cds/grpc_services.h"
#include "cds/peer_cache.h"
#include "cds/serving_identity.h"
#include "lib/base/clock.h"
#include "lib/base/log.h"
#include "lib/base/status.h"
#include "lib/base/strings.h"

namespace c8s::cds {
namespace {

namespace gx = grpc::experimental;

// Before the CDS holds its seed there is no CA: nobody can present an accepted certificate.
class NobodyVerifier : public crypto::PeerVerifier {
 public:
  absl::StatusOr<crypto::VerifiedPeer> Verify(const std::vector<Bytes>&) const override {
    return absl::UnauthenticatedError("sealed: no cluster CA to verify callers against");
  }
};

std::shared_ptr<const crypto::PeerVerifier> CallersOf(CdsRuntime* rt) {
  std::shared_ptr<Cds> cds = rt->cds();
  if (cds == nullptr) return std::make_shared<NobodyVerifier>();
  return std::make_shared<CachingPeerVerifier>(
      std::make_shared<crypto::CaPeerVerifier>(cds->ca_certificate(), cds->clock()), cds->clock());
}

class Server : public CdsGrpcServer {
 public:
  Server(CdsRuntime* rt, WriteRouter* writes, const GrpcServerOptions& o,
         std::shared_ptr<const crypto::PeerVerifier> callers)
      : attestation_(rt),
        identity_(rt, callers),
        manifest_(rt, writes),
        secrets_(rt, callers),
        recovery_(rt),
        policy_(rt, callers, o.max_watch_streams) {}

  absl::Status Run(CdsRuntime* rt, const GrpcServerOptions& o) {
    crypto::SubjectAltNames sans;
    sans.dns = o.dns_names;
    sans.ips = o.ip_addresses;
    std::shared_ptr<Cds> cds = rt->cds();
    ASSIGN_OR_RETURN(crypto::TlsIdentity id, ServingIdentity(cds.get(), sans));
    grpc::ServerBuilder builder;
    builder.AddListeningPort(o.listen, CdsServerCredentials(id), &port_);
    builder.RegisterService(&attestation_);
    builder.RegisterService(&identity_);
    builder.RegisterService(&manifest_);
    builder.RegisterService(&policy_);
    builder.RegisterService(&secrets_);
    builder.RegisterService(&recovery_);
    ApplyCdsServerOptions(builder, o.max_message_bytes);
    server_ = builder.BuildAndStart();
    if (server_ == nullptr || port_ == 0) {
      return absl::UnavailableError(StrCat("grpc: cannot listen on ", o.listen));
    }
    if (cds != nullptr) {
      // The Cds outlives this server (the runtime owns it); the listener only wakes streams.
      std::weak_ptr<bool> alive = alive_;
      cds->AddBundleListener([this, alive] {
        if (alive.lock()) policy_.NotifyAll();
      });
    }
    return absl::OkStatus();
  }

  int port() const override { return port_; }
  size_t watch_streams() const override { return policy_.streams(); }
  void Shutdown() override {
    if (server_ == nullptr) return;
    alive_.reset();
    policy_.FinishAll();
    server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
    server_->Wait();
    server_.reset();
  }
  ~Server() override { Shutdown(); }

 private:
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
  AttestationService attestation_;
  IdentityService identity_;
  ManifestService manifest_;
  SecretsService secrets_;
  RecoveryService recovery_;
  PolicyService policy_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
};

}  // namespace

std::shared_ptr<grpc::ServerCredentials> CdsServerCredentials(const crypto::TlsIdentity& id) {
  std::string chain;
  for (const crypto::Certificate& c : id.chain) chain += c.ToPem();
  gx::TlsServerCredentialsOptions opts(std::make_shared<gx::StaticDataCertificateProvider>(
      std::vector<gx::IdentityKeyCertPair>{{id.key.ToPem(), chain}}));
  opts.watch_identity_key_cert_pairs();
  // Requested, checked per call against the CA (CallerOf) where a caller identity matters.
  opts.set_cert_request_type(GRPC_SSL_REQUEST_CLIENT_CERTIFICATE_BUT_DONT_VERIFY);
  return gx::TlsServerCredentials(opts);
}

void ApplyCdsServerOptions(grpc::ServerBuilder& builder, int max_message_bytes) {
  builder.SetMaxReceiveMessageSize(max_message_bytes);
  // Nothing reads channelz here, and it registers every connection in a global, locked
  // registry: a cost paid on each node join's fresh connection.
  builder.AddChannelArgument(GRPC_ARG_ENABLE_CHANNELZ, 0);
  // Bandwidth-delay probing sizes flow-control windows for bulk transfers; CDS messages are
  // small (the largest, a bundle or a backup, fits the default window in a few round trips).
  // Its PING and ACK cost each fresh connection about one more write (strace on the CDS during
  // node joins: 6.1 -> 5.3 sendmsg per join; on a bare server also one read fewer).
  builder.AddChannelArgument(GRPC_ARG_HTTP2_BDP_PROBE, 0);
}

absl::StatusOr<std::unique_ptr<CdsGrpcServer>> CdsGrpcServer::Start(
    CdsRuntime* rt, WriteRouter* writes, const GrpcServerOptions& options) {
  auto server = std::make_unique<Server>(rt, writes, options, CallersOf(rt));
  RETURN_IF_ERROR(server->Run(rt, options));
  return std::unique_ptr<CdsGrpcServer>(std::move(server));
}

}  // namespace c8s::cds
