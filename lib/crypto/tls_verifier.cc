// PeerVerifier implementations and the OpenSSL adapter that runs one as the handshake's
// certificate check, remembering its result per connection.
#include "lib/base/status.h"
#include "lib/base/strings.h"
#include "lib/crypto/tls.h"

namespace c8s::crypto {
namespace {

using VerifierHolder = std::shared_ptr<const PeerVerifier>;

// The outcome of the verifier on one SSL, kept in the SSL's ex_data.
struct PeerResult {
  absl::Status status;
  std::optional<VerifiedPeer> peer;
};

void FreeHolder(void*, void* ptr, CRYPTO_EX_DATA*, int, long, void*) {
  delete static_cast<VerifierHolder*>(ptr);
}
void FreeResult(void*, void* ptr, CRYPTO_EX_DATA*, int, long, void*) {
  delete static_cast<PeerResult*>(ptr);
}

int CtxIndex() {
  static const int index = SSL_CTX_get_ex_new_index(0, nullptr, nullptr, nullptr, FreeHolder);
  return index;
}
int SslIndex() {
  static const int index = SSL_get_ex_new_index(0, nullptr, nullptr, nullptr, FreeResult);
  return index;
}

Bytes Der(X509* cert) {
  unsigned char* out = nullptr;
  int len = i2d_X509(cert, &out);
  if (len <= 0) return {};
  Bytes der(out, out + len);
  OPENSSL_free(out);
  return der;
}

// SSL_CTX_set_cert_verify_callback: replaces X509_verify_cert for the peer's chain.
int VerifyCallback(X509_STORE_CTX* store, void* arg) {
  const auto* verifier = static_cast<const PeerVerifier*>(arg);
  auto* ssl =
      static_cast<SSL*>(X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx()));
  // OpenSSL passes the peer's chain as sent (leaf first) as the untrusted stack.
  std::vector<Bytes> chain;
  STACK_OF(X509)* sent = X509_STORE_CTX_get0_untrusted(store);
  for (int i = 0; i < sk_X509_num(sent); ++i) chain.push_back(Der(sk_X509_value(sent, i)));
  if (chain.empty() && X509_STORE_CTX_get0_cert(store) != nullptr) {
    chain.push_back(Der(X509_STORE_CTX_get0_cert(store)));
  }
  auto* result = new PeerResult;
  absl::StatusOr<VerifiedPeer> peer = verifier->Verify(chain);
  if (peer.ok()) {
    result->peer = std::move(*peer);
  } else {
    result->status = peer.status();
  }
  bool ok = result->status.ok();
  if (ssl != nullptr) {
    delete static_cast<PeerResult*>(SSL_get_ex_data(ssl, SslIndex()));
    SSL_set_ex_data(ssl, SslIndex(), result);
  } else {
    delete result;
  }
  if (!ok) X509_STORE_CTX_set_error(store, X509_V_ERR_APPLICATION_VERIFICATION);
  return ok ? 1 : 0;
}

const PeerResult* ResultOf(const SSL* ssl) {
  return static_cast<const PeerResult*>(SSL_get_ex_data(ssl, SslIndex()));
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

}  // namespace

absl::StatusOr<VerifiedPeer> PeerVerifier::VerifyPem(std::string_view leaf_pem,
                                                     std::string_view chain_pem) const {
  ASSIGN_OR_RETURN(std::vector<Bytes> der, PeerChain(leaf_pem, chain_pem));
  return Verify(der);
}

absl::StatusOr<VerifiedPeer> CaPeerVerifier::Verify(const std::vector<Bytes>& chain_der) const {
  if (chain_der.empty()) return absl::UnauthenticatedError("peer sent no certificate");
  std::vector<Certificate> chain;
  for (size_t i = 0; i < chain_der.size(); ++i) {
    absl::StatusOr<Certificate> cert = Certificate::FromDer(chain_der[i]);
    if (!cert.ok()) return Annotate(cert.status(), StrCat("peer certificate #", i));
    chain.push_back(std::move(*cert));
  }
  std::vector<Certificate> intermediates(chain.begin() + 1, chain.end());
  RETURN_IF_ERROR(VerifyChain(chain.front(), intermediates, {ca_}, clock_.Now()));
  // A CA certificate is never a peer identity, even one that chains (the CA itself).
  if (chain.front().IsCa()) {
    return absl::PermissionDeniedError(
        StrCat("peer certificate ", chain.front().Subject(), " is a CA certificate, not a leaf"));
  }

  ASSIGN_OR_RETURN(SubjectAltNames sans, chain.front().Sans());
  // SPIFFE X.509-SVID §2: exactly one URI SAN names the workload.
  if (sans.uris.size() > 1) {
    return absl::PermissionDeniedError(
        StrCat("peer identity: ", sans.uris.size(), " URI SANs, want at most 1"));
  }
  std::string identity = sans.uris.empty() ? "" : sans.uris.front();
  if (!prefix_.empty() && !identity.starts_with(prefix_)) {
    return absl::PermissionDeniedError(StrCat(
        "peer identity: got \"", identity, "\", want a URI SAN starting with \"", prefix_, "\""));
  }
  ASSIGN_OR_RETURN(C8sClaimsExtension claims, ReadC8sClaims(chain.front()));
  Certificate leaf = chain.front();
  return VerifiedPeer{std::move(leaf), std::move(chain), std::move(identity), std::move(claims)};
}

absl::Status InstallPeerVerifier(SSL_CTX* ctx, std::shared_ptr<const PeerVerifier> verifier) {
  if (verifier == nullptr) return absl::InvalidArgumentError("null PeerVerifier");
  const PeerVerifier* raw = verifier.get();
  delete static_cast<VerifierHolder*>(SSL_CTX_get_ex_data(ctx, CtxIndex()));
  if (SSL_CTX_set_ex_data(ctx, CtxIndex(), new VerifierHolder(std::move(verifier))) != 1) {
    return OpenSslError("store PeerVerifier");
  }
  (void)SslIndex();  // allocate before handshakes run on other threads
  SSL_CTX_set_cert_verify_callback(ctx, VerifyCallback, const_cast<PeerVerifier*>(raw));
  return absl::OkStatus();
}

const VerifiedPeer* GetVerifiedPeer(const SSL* ssl) {
  const PeerResult* result = ResultOf(ssl);
  return result != nullptr && result->peer ? &*result->peer : nullptr;
}

absl::Status GetPeerVerificationError(const SSL* ssl) {
  const PeerResult* result = ResultOf(ssl);
  return result == nullptr ? absl::OkStatus() : result->status;
}

}  // namespace c8s::crypto
