#include "lib/crypto/grpc_tls.h"

#include <grpc/grpc_security_constants.h>
#include <grpcpp/security/auth_context.h>
#include <grpcpp/security/tls_certificate_provider.h>

#include "lib/base/status.h"
#include "lib/base/strings.h"

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

// The DER inside each CERTIFICATE block, undecoded: the verifier parses it (or finds it in
// its cache). Parsing here would cost an X509 decode per certificate per call, which in
// OpenSSL 3.0 is mostly the decoder framework (~190 us each).
absl::StatusOr<std::vector<Bytes>> DerChain(std::string_view pem) {
  BioPtr bio = ReadOnlyBio(AsBytes(pem));
  std::vector<Bytes> der;
  while (true) {
    char* name = nullptr;
    char* header = nullptr;
    unsigned char* data = nullptr;
    long len = 0;
    if (PEM_read_bio(bio.get(), &name, &header, &data, &len) != 1) {
      ClearOpenSslErrors();  // the end of the bundle
      break;
    }
    bool certificate = std::string_view(name) == "CERTIFICATE";
    if (certificate) der.emplace_back(data, data + len);
    OPENSSL_free(name);
    OPENSSL_free(header);
    OPENSSL_free(data);
    if (!certificate)
      return absl::InvalidArgumentError("peer chain: a PEM block that is not a CERTIFICATE");
  }
  if (der.empty()) return absl::InvalidArgumentError("peer chain: no certificate");
  return der;
}

// The peer's chain, leaf first. gRPC builds its "full chain" from SSL_get_peer_cert_chain,
// which on a server leaves out the client's own certificate: the leaf is then only in
// `leaf_pem`, and taking the chain's first entry would take the client's CA for its identity.
absl::StatusOr<std::vector<Bytes>> PeerChain(std::string_view leaf_pem,
                                             std::string_view chain_pem) {
  if (leaf_pem.empty()) return DerChain(chain_pem);
  ASSIGN_OR_RETURN(std::vector<Bytes> der, DerChain(leaf_pem));
  der.resize(1);
  if (chain_pem.empty()) return der;
  ASSIGN_OR_RETURN(std::vector<Bytes> rest, DerChain(chain_pem));
  for (Bytes& c : rest) {
    if (c != der.front()) der.push_back(std::move(c));
  }
  return der;
}

std::string_view View(const grpc::string_ref& s) { return std::string_view(s.data(), s.size()); }

}  // namespace

bool GrpcPeerVerifier::Verify(gx::TlsCustomVerificationCheckRequest* request,
                              std::function<void(grpc::Status)>, grpc::Status* sync_status) {
  absl::StatusOr<std::vector<Bytes>> chain =
      PeerChain(View(request->peer_cert()), View(request->peer_cert_full_chain()));
  absl::StatusOr<VerifiedPeer> peer =
      chain.ok() ? verifier_->Verify(*chain) : absl::StatusOr<VerifiedPeer>(chain.status());
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
  ASSIGN_OR_RETURN(std::vector<Bytes> der, PeerChain(leaf.empty() ? "" : View(leaf.front()),
                                                     chain.empty() ? "" : View(chain.front())));
  return verifier.Verify(der);
}

}  // namespace c8s::crypto
