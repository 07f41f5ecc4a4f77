#include "lib/crypto/grpc_tls.h"

#include <grpc/grpc_security_constants.h>
#include <grpcpp/security/auth_context.h>
#include <grpcpp/security/tls_certificate_provider.h>
#include <openssl/conf.h>
#include <openssl/ssl.h>

#include "absl/synchronization/mutex.h"
#include "lib/base/status.h"
#include "lib/base/strings.h"
#include "lib/crypto/grpc_tls_groups.h"

namespace c8s::crypto {
namespace {

namespace gx = grpc::experimental;

std::string PemChain(const TlsIdentity& identity) {
  std::string pem;
  for (size_t i = 0; i < identity.chain.size(); ++i) pem += identity.chain[i].ToPem();
  return pem;
}

std::shared_ptr<gx::CertificateProviderInterface> IdentityProvider(const TlsIdentity& identity) {
  return std::make_shared<gx::StaticDataCertificateProvider>(
      std::vector<gx::IdentityKeyCertPair>{{identity.key.ToPem(), PemChain(identity)}});
}

// gRPC loads the whole system trust store for every channel that names no roots (about
// 170 ms of parsing on a busy machine), even though the PeerVerifier alone decides. Channels
// therefore name one placeholder root that gRPC never uses (server checks are off).
const std::string& PlaceholderRootPem() {
  static const std::string* pem = [] {
    auto key = PrivateKey::Generate(KeyType::kP256);
    auto ca = key.ok() ? CertificateAuthority::CreateSelfSigned(
                             *key, Name("c8s placeholder root (never trusted)"),
                             absl::FromUnixSeconds(0), absl::FromUnixSeconds(4102444800))
                       : absl::StatusOr<CertificateAuthority>(key.status());
    return new std::string(ca.ok() ? ca->certificate().ToPem() : "");
  }();
  return *pem;
}

std::string_view View(const grpc::string_ref& s) { return std::string_view(s.data(), s.size()); }

}  // namespace

bool GrpcPeerVerifier::Verify(gx::TlsCustomVerificationCheckRequest* request,
                              std::function<void(grpc::Status)>, grpc::Status* sync_status) {
  absl::StatusOr<VerifiedPeer> peer =
      verifier_->VerifyPem(View(request->peer_cert()), View(request->peer_cert_full_chain()));
  *sync_status = peer.ok()
                     ? grpc::Status::OK
                     : grpc::Status(grpc::StatusCode::UNAUTHENTICATED,
                                    StrCat("c8s peer verification: ", StatusText(peer.status())));
  return true;  // synchronous
}

gx::TlsChannelCredentialsOptions GrpcChannelOptions(const std::optional<TlsIdentity>& identity,
                                                    std::shared_ptr<const PeerVerifier> verifier) {
  gx::TlsChannelCredentialsOptions options;
  std::vector<gx::IdentityKeyCertPair> pairs;
  if (identity) pairs.push_back({identity->key.ToPem(), PemChain(*identity)});
  if (!PlaceholderRootPem().empty()) {
    options.set_certificate_provider(
        pairs.empty()
            ? std::make_shared<gx::StaticDataCertificateProvider>(PlaceholderRootPem())
            : std::make_shared<gx::StaticDataCertificateProvider>(PlaceholderRootPem(), pairs));
    options.watch_root_certs();
  } else if (identity) {
    options.set_certificate_provider(IdentityProvider(*identity));
  }
  if (identity) options.watch_identity_key_cert_pairs();
  options.set_verify_server_certs(false);
  options.set_check_call_host(false);
  options.set_certificate_verifier(
      gx::ExternalCertificateVerifier::Create<GrpcPeerVerifier>(std::move(verifier)));
  return options;
}

gx::TlsServerCredentialsOptions GrpcServerOptions(const TlsIdentity& identity,
                                                  std::shared_ptr<const PeerVerifier> verifier,
                                                  bool require_client_cert) {
  gx::TlsServerCredentialsOptions options(IdentityProvider(identity));
  options.watch_identity_key_cert_pairs();
  // gRPC's verification is off ("DONT_VERIFY"); the PeerVerifier below is the check.
  options.set_cert_request_type(
      require_client_cert ? GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_BUT_DONT_VERIFY
                          : GRPC_SSL_REQUEST_CLIENT_CERTIFICATE_BUT_DONT_VERIFY);
  options.set_check_call_host(false);
  options.set_certificate_verifier(
      gx::ExternalCertificateVerifier::Create<GrpcPeerVerifier>(std::move(verifier)));
  return options;
}

std::shared_ptr<grpc::ChannelCredentials> MakeGrpcChannelCredentials(
    const std::optional<TlsIdentity>& identity, std::shared_ptr<const PeerVerifier> verifier) {
  return grpc::experimental::TlsCredentials(GrpcChannelOptions(identity, std::move(verifier)));
}

std::shared_ptr<grpc::ServerCredentials> MakeGrpcServerCredentials(
    const TlsIdentity& identity, std::shared_ptr<const PeerVerifier> verifier,
    bool require_client_cert) {
  return grpc::experimental::TlsServerCredentials(
      GrpcServerOptions(identity, std::move(verifier), require_client_cert));
}

absl::StatusOr<VerifiedPeer> VerifiedPeerOf(const grpc::AuthContext& auth,
                                            const PeerVerifier& verifier) {
  std::vector<grpc::string_ref> leaf = auth.FindPropertyValues(GRPC_X509_PEM_CERT_PROPERTY_NAME);
  std::vector<grpc::string_ref> chain =
      auth.FindPropertyValues(GRPC_X509_PEM_CERT_CHAIN_PROPERTY_NAME);
  if (leaf.empty() && chain.empty())
    return absl::UnauthenticatedError("call has no peer certificate");
  return verifier.VerifyPem(leaf.empty() ? "" : View(leaf.front()),
                            chain.empty() ? "" : View(chain.front()));
}

absl::Status PrepareGrpcProcess() {
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  EnableX25519ForGrpc();
  // The system configuration loads first (once per process), so it cannot later replace the
  // ssl_conf module data set here. Debian's openssl.cnf sets no ssl_conf policy that this
  // replaces, and gRPC sets its own cipher suites and groups on every SSL_CTX anyway.
  if (OPENSSL_init_ssl(OPENSSL_INIT_LOAD_CONFIG, nullptr) != 1) {
    return OpenSslError("load the OpenSSL configuration");
  }
  static constexpr char kConfig[] =
      "c8s_tls_conf = c8s_tls_init\n"
      "[c8s_tls_init]\nssl_conf = c8s_tls_ssl\n"
      "[c8s_tls_ssl]\nsystem_default = c8s_tls_default\n"
      "[c8s_tls_default]\nNumTickets = 0\n";
  std::unique_ptr<CONF, decltype(&NCONF_free)> conf(NCONF_new_ex(nullptr, nullptr), NCONF_free);
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new_mem_buf(kConfig, -1), BIO_free);
  long bad_line = 0;
  if (!conf || !bio || NCONF_load_bio(conf.get(), bio.get(), &bad_line) != 1) {
    return OpenSslError(StrCat("parse the TLS configuration (line ", bad_line, ")"));
  }
  if (CONF_modules_load(conf.get(), "c8s_tls_conf", 0) != 1) {
    return OpenSslError("apply the TLS configuration (NumTickets = 0)");
  }
  return absl::OkStatus();
}

}  // namespace c8s::crypto
