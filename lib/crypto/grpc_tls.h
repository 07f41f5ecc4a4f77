// gRPC (1.51) TLS credentials whose peer check is a c8s PeerVerifier, so gRPC connections
// accept exactly the peers a raw TLS stream would, with the verifier's error in the status.
//
//   auto verifier = std::make_shared<CaPeerVerifier>(ca, Clock::Real(), "spiffe://c8s/ns/c8s/");
//   auto creds = MakeGrpcServerCredentials(identity, verifier, /*require_client_cert=*/true);
//   builder.AddListeningPort("127.0.0.1:0", creds, &port);
#pragma once

#include <grpcpp/security/credentials.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/security/tls_certificate_verifier.h>
#include <grpcpp/security/tls_credentials_options.h>

#include <memory>

#include "lib/crypto/tls.h"

namespace grpc {
class AuthContext;
}

namespace c8s::crypto {

// Runs the PeerVerifier synchronously on the chain gRPC saw (leaf first).
class GrpcPeerVerifier : public grpc::experimental::ExternalCertificateVerifier {
 public:
  explicit GrpcPeerVerifier(std::shared_ptr<const PeerVerifier> verifier)
      : verifier_(std::move(verifier)) {}
  bool Verify(grpc::experimental::TlsCustomVerificationCheckRequest* request,
              std::function<void(grpc::Status)> callback, grpc::Status* sync_status) override;
  void Cancel(grpc::experimental::TlsCustomVerificationCheckRequest*) override {}

 private:
  std::shared_ptr<const PeerVerifier> verifier_;
};

// Options with our identity and the verifier as the only certificate check: gRPC's own chain
// and hostname checks are off because the PeerVerifier does chain, time and identity.
grpc::experimental::TlsChannelCredentialsOptions GrpcChannelOptions(
    const std::optional<TlsIdentity>& identity, std::shared_ptr<const PeerVerifier> verifier);
grpc::experimental::TlsServerCredentialsOptions GrpcServerOptions(
    const TlsIdentity& identity, std::shared_ptr<const PeerVerifier> verifier,
    bool require_client_cert);

std::shared_ptr<grpc::ChannelCredentials> MakeGrpcChannelCredentials(
    const std::optional<TlsIdentity>& identity, std::shared_ptr<const PeerVerifier> verifier);
std::shared_ptr<grpc::ServerCredentials> MakeGrpcServerCredentials(
    const TlsIdentity& identity, std::shared_ptr<const PeerVerifier> verifier,
    bool require_client_cert);

// In a handler: re-runs `verifier` on the peer chain of the call's auth context (stateless and
// cheap), giving the handler the VerifiedPeer (identity, c8s claims).
absl::StatusOr<VerifiedPeer> VerifiedPeerOf(const grpc::AuthContext& auth,
                                            const PeerVerifier& verifier);

// Once, first thing in a long-running process that serves or calls gRPC, before any channel or
// server exists. Three process-wide switches gRPC 1.51 offers no option for:
// - Debian's Abseil runs its mutex deadlock detector (a stack trace and a lock-graph update
//   per acquisition) unless told otherwise; gRPC takes absl mutexes on every call and
//   connection, so that debugging aid alone cost 8-25% of the CDS's CPU per node join.
// - gRPC's TLS servers send TLS 1.3 session tickets, which c8s never resumes (every connection
//   is verified afresh) and which cost the server a re-encode of the session, peer
//   certificate included, per connection. An in-memory OpenSSL configuration sets
//   NumTickets = 0 for every SSL_CTX created afterwards (gRPC does not expose its SSL_CTX).
// - gRPC pins its TLS key exchange to P-256, which costs OpenSSL 3.0 ~6x X25519 (peer share
//   check included): its contexts offer X25519 first, P-256 second (grpc_tls_groups.h).
// Returns an error only when OpenSSL rejects the configuration.
absl::Status PrepareGrpcProcess();

}  // namespace c8s::crypto
