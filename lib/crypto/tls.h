// TLS 1.3 contexts for c8s connections and a stack-neutral peer-verification seam: the same
// PeerVerifier checks peers for raw OpenSSL streams (mesh proxies) and gRPC (grpc_tls.h).
//
//   auto verifier = std::make_shared<CaPeerVerifier>(ca_cert, Clock::Real(), "spiffe://c8s/");
//   ASSIGN_OR_RETURN(SslCtxPtr ctx, CreateServerContext({identity, verifier, true}));
//   ... SSL_accept ...; const VerifiedPeer* peer = GetVerifiedPeer(ssl);
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "lib/base/bytes.h"
#include "lib/base/clock.h"
#include "lib/crypto/cert_profile.h"
#include "lib/crypto/openssl_util.h"
#include "lib/crypto/x509.h"

namespace c8s::crypto {

// What a verified peer proved: its leaf, its SPIFFE identity (the URI SAN, empty if none) and
// the c8s claims its certificate carries.
struct VerifiedPeer {
  Certificate leaf;
  std::vector<Certificate> chain;  // leaf first, as presented
  std::string uri_identity;
  C8sClaimsExtension claims;
};

class PeerVerifier {
 public:
  virtual ~PeerVerifier() = default;
  // `chain_der`: the peer's certificates as sent, leaf first. Errors name the failed check.
  virtual absl::StatusOr<VerifiedPeer> Verify(const std::vector<Bytes>& chain_der) const = 0;
  // The same for the PEM texts gRPC reports: the handshake-proven leaf, and the chain the
  // peer sent (on a server, without that leaf). Decodes them and calls Verify; a caching
  // verifier may key on the texts instead and skip the decoding.
  virtual absl::StatusOr<VerifiedPeer> VerifyPem(std::string_view leaf_pem,
                                                 std::string_view chain_pem) const;
};

// Chains to one pinned CA at the clock's current time; with a non-empty
// `required_uri_prefix`, the leaf must carry exactly one URI SAN starting with it. `clock`
// must outlive the verifier (Clock::Real() does).
class CaPeerVerifier : public PeerVerifier {
 public:
  CaPeerVerifier(Certificate ca, const Clock& clock, std::string required_uri_prefix = "")
      : ca_(std::move(ca)), clock_(clock), prefix_(std::move(required_uri_prefix)) {}
  absl::StatusOr<VerifiedPeer> Verify(const std::vector<Bytes>& chain_der) const override;

 private:
  Certificate ca_;
  const Clock& clock_;
  std::string prefix_;
};

// Our certificate chain (leaf first) and its key.
struct TlsIdentity {
  std::vector<Certificate> chain;
  PrivateKey key;
};

struct TlsOptions {
  std::optional<TlsIdentity> identity;           // required for servers
  std::shared_ptr<const PeerVerifier> verifier;  // required for clients; servers: see below
  // Servers: ask for and require a client certificate checked by `verifier`.
  bool require_peer_certificate = true;
};

// TLS 1.3 only. Clients always verify the server with `verifier`.
absl::StatusOr<SslCtxPtr> CreateServerContext(const TlsOptions& options);
// The same settings applied to a context someone else created (cpp-httplib's SSLServer hands
// its SSL_CTX to a setup callback).
absl::Status ConfigureServerContext(SSL_CTX* ctx, const TlsOptions& options);
absl::StatusOr<SslCtxPtr> CreateClientContext(const TlsOptions& options);

// Installs `verifier` as the context's certificate verification (replacing OpenSSL's chain
// building): SSL_CTX_set_cert_verify_callback. The context keeps the verifier alive.
absl::Status InstallPeerVerifier(SSL_CTX* ctx, std::shared_ptr<const PeerVerifier> verifier);
// After a handshake on an SSL whose context has a PeerVerifier: the verified peer, or nullptr.
const VerifiedPeer* GetVerifiedPeer(const SSL* ssl);
// The verifier's precise error when it refused the peer (OK if it accepted or never ran), so
// that the caller can report "peer rejected: certificate chain: depth 0 ...: expired at ...".
absl::Status GetPeerVerificationError(const SSL* ssl);

// RFC 8446 §7.5 exporter (RFC 5705 interface); both ends derive the same bytes.
absl::StatusOr<Bytes> ExportKeyingMaterial(SSL* ssl, std::string_view label, ByteSpan context,
                                           size_t length);

}  // namespace c8s::crypto
