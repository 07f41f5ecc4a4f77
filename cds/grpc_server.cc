#include "cds/grpc_server.h"

#include <grpcpp/security/tls_credentials_options.h>

#include "cds/grpc_services.h"
#include "lib/base/clock.h"
#include "lib/base/log.h"
#include "lib/base/status.h"
#include "lib/base/strings.h"

namespace c8s::cds {
namespace {

namespace gx = grpc::experimental;

class Server : public CdsGrpcServer {
 public:
  Server(Cds* cds, const GrpcServerOptions& o, std::shared_ptr<const crypto::PeerVerifier> callers)
      : attestation_(cds, o), identity_(cds, callers), manifest_(cds),
        policy_(cds, callers, o.max_watch_streams) {}

  absl::Status Run(Cds* cds, const GrpcServerOptions& o) {
    // The serving certificate comes from the CDS's own CA, with a key born in this process.
    ASSIGN_OR_RETURN(crypto::PrivateKey key, crypto::PrivateKey::Generate(crypto::KeyType::kP256));
    ASSIGN_OR_RETURN(crypto::CertificateRequest csr,
                     crypto::CertificateRequest::Create(key, {"c8s-cds"}, {}));
    crypto::SubjectAltNames sans;
    sans.dns = o.dns_names;
    sans.ips = o.ip_addresses;
    ASSIGN_OR_RETURN(crypto::Certificate cert, cds->IssueServing(csr, sans));
    gx::TlsServerCredentialsOptions opts(std::make_shared<gx::StaticDataCertificateProvider>(
        std::vector<gx::IdentityKeyCertPair>{
            {key.ToPem(), cert.ToPem() + cds->ca_certificate().ToPem()}}));
    opts.watch_identity_key_cert_pairs();
    // Requested, checked per call against the CA (CallerOf) where a caller identity matters.
    opts.set_cert_request_type(GRPC_SSL_REQUEST_CLIENT_CERTIFICATE_BUT_DONT_VERIFY);
    grpc::ServerBuilder builder;
    builder.AddListeningPort(o.listen, gx::TlsServerCredentials(opts), &port_);
    builder.RegisterService(&attestation_);
    builder.RegisterService(&identity_);
    builder.RegisterService(&manifest_);
    builder.RegisterService(&policy_);
    builder.SetMaxReceiveMessageSize(4 << 20);
    server_ = builder.BuildAndStart();
    if (server_ == nullptr || port_ == 0) {
      return absl::UnavailableError(StrCat("grpc: cannot listen on ", o.listen));
    }
    cds->AddBundleListener([this] { policy_.NotifyAll(); });
    return absl::OkStatus();
  }

  int port() const override { return port_; }
  size_t watch_streams() const override { return policy_.streams(); }
  void Shutdown() override {
    if (server_ == nullptr) return;
    policy_.FinishAll();
    server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
    server_->Wait();
    server_.reset();
  }
  ~Server() override { Shutdown(); }

 private:
  AttestationService attestation_;
  IdentityService identity_;
  ManifestService manifest_;
  PolicyService policy_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
};

}  // namespace

absl::StatusOr<std::unique_ptr<CdsGrpcServer>> CdsGrpcServer::Start(
    Cds* cds, const GrpcServerOptions& options) {
  auto callers = std::make_shared<crypto::CaPeerVerifier>(cds->ca_certificate(), cds->clock());
  auto server = std::make_unique<Server>(cds, options, callers);
  RETURN_IF_ERROR(server->Run(cds, options));
  return std::unique_ptr<CdsGrpcServer>(std::move(server));
}

}  // namespace c8s::cds
