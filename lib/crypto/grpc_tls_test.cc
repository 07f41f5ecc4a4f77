#include "lib/crypto/grpc_tls.h"

#include <grpcpp/create_channel.h>
#include <grpcpp/generic/async_generic_service.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/server.h>
#include <grpcpp/server_builder.h>
#include <openssl/ec.h>
#include <openssl/ssl.h>

#include <catch2/catch_test_macros.hpp>
#include <future>
#include <mutex>

#include "lib/base/strings.h"
#include "lib/crypto/x509_testing.h"

namespace c8s::crypto {
namespace {

using testing::IssueWorkloadLeaf;
using testing::MakeCa;

// Answers every call with the caller's verified SPIFFE identity, found through the auth
// context, so the test sees what a handler would.
class IdentityService : public grpc::CallbackGenericService {
 public:
  explicit IdentityService(std::shared_ptr<const PeerVerifier> verifier)
      : verifier_(std::move(verifier)) {}

  grpc::ServerGenericBidiReactor* CreateReactor(grpc::GenericCallbackServerContext* ctx) override {
    absl::StatusOr<VerifiedPeer> peer = VerifiedPeerOf(*ctx->auth_context(), *verifier_);
    return new Reactor(peer.ok() ? peer->uri_identity : "error: " + StatusText(peer.status()));
  }

 private:
  class Reactor : public grpc::ServerGenericBidiReactor {
   public:
    explicit Reactor(std::string reply) : reply_(std::move(reply)) { StartRead(&request_); }
    void OnReadDone(bool ok) override {
      if (!ok) return Finish(grpc::Status(grpc::StatusCode::INTERNAL, "no request"));
      grpc::Slice slice(reply_);
      response_ = grpc::ByteBuffer(&slice, 1);
      StartWriteAndFinish(&response_, grpc::WriteOptions(), grpc::Status::OK);
    }
    void OnDone() override { delete this; }

   private:
    std::string reply_;
    grpc::ByteBuffer request_, response_;
  };
  std::shared_ptr<const PeerVerifier> verifier_;
};

// Remembers the last refusal of the wrapped verifier, so the test can see why the server
// closed a connection (the client only sees the close).
class RecordingVerifier : public PeerVerifier {
 public:
  explicit RecordingVerifier(std::shared_ptr<const PeerVerifier> inner)
      : inner_(std::move(inner)) {}
  absl::StatusOr<VerifiedPeer> Verify(const std::vector<Bytes>& chain_der) const override {
    absl::StatusOr<VerifiedPeer> peer = inner_->Verify(chain_der);
    std::lock_guard lock(mu_);
    last_ = peer.status();
    return peer;
  }
  absl::Status last() const {
    std::lock_guard lock(mu_);
    return last_;
  }

 private:
  std::shared_ptr<const PeerVerifier> inner_;
  mutable std::mutex mu_;
  mutable absl::Status last_ = absl::UnknownError("never called");
};

struct CallResult {
  grpc::Status status;
  std::string reply;
};

CallResult Call(int port, std::shared_ptr<grpc::ChannelCredentials> creds) {
  auto channel = grpc::CreateChannel(StrCat("127.0.0.1:", port), creds);
  grpc::GenericStub stub(channel);
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  grpc::Slice slice(std::string("hello"));
  grpc::ByteBuffer request(&slice, 1), response;
  std::promise<grpc::Status> done;
  stub.UnaryCall(&ctx, "/c8s.test.Identity/Who", grpc::StubOptions(), &request, &response,
                 [&](grpc::Status s) { done.set_value(std::move(s)); });
  CallResult result{done.get_future().get(), ""};
  std::vector<grpc::Slice> slices;
  if (result.status.ok() && response.Dump(&slices).ok()) {
    for (const grpc::Slice& s : slices) {
      result.reply.append(reinterpret_cast<const char*>(s.begin()), s.size());
    }
  }
  return result;
}

struct Server {
  std::unique_ptr<IdentityService> service;
  std::unique_ptr<grpc::Server> server;
  int port = 0;
  ~Server() {
    if (server) server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
  }
};

void StartServer(Server& s, const TlsIdentity& identity,
                 std::shared_ptr<const PeerVerifier> verifier) {
  s.service = std::make_unique<IdentityService>(verifier);
  grpc::ServerBuilder builder;
  builder.AddListeningPort("127.0.0.1:0", MakeGrpcServerCredentials(identity, verifier, true),
                           &s.port);
  builder.RegisterCallbackGenericService(s.service.get());
  s.server = builder.BuildAndStart();
  REQUIRE(s.server != nullptr);
  REQUIRE(s.port > 0);
}

TEST_CASE("gRPC mutual TLS through the PeerVerifier on loopback", "[unit]") {
  absl::Time now = absl::Now();
  FakeClock clock(now);
  CertificateAuthority ca = MakeCa("c8s CA", now);
  testing::Leaf server_leaf = IssueWorkloadLeaf(ca, "cds", "spiffe://c8s.test/ns/c8s/id/cds");
  testing::Leaf client_leaf = IssueWorkloadLeaf(ca, "web", "spiffe://c8s.test/ns/shop/id/web");
  auto verifier = std::make_shared<CaPeerVerifier>(ca.certificate(), clock);
  auto server_verifier = std::make_shared<RecordingVerifier>(verifier);
  Server server;
  StartServer(server, TlsIdentity{{server_leaf.cert}, server_leaf.key}, server_verifier);

  SECTION("a CA-issued client is accepted and identified") {
    auto client_verifier =
        std::make_shared<CaPeerVerifier>(ca.certificate(), clock, "spiffe://c8s.test/ns/c8s/");
    CallResult r =
        Call(server.port, MakeGrpcChannelCredentials(
                              TlsIdentity{{client_leaf.cert}, client_leaf.key}, client_verifier));
    INFO(r.status.error_message());
    REQUIRE(r.status.ok());
    CHECK(r.reply == "spiffe://c8s.test/ns/shop/id/web");
  }

  SECTION("a client that sends its chain (leaf + CA) is identified by its leaf") {
    // On the server, gRPC's chain property omits the client's own leaf (OpenSSL's
    // SSL_get_peer_cert_chain): the identity must still be the leaf, never the CA.
    auto client_verifier =
        std::make_shared<CaPeerVerifier>(ca.certificate(), clock, "spiffe://c8s.test/ns/c8s/");
    CallResult r = Call(
        server.port,
        MakeGrpcChannelCredentials(
            TlsIdentity{{client_leaf.cert, ca.certificate()}, client_leaf.key}, client_verifier));
    INFO(r.status.error_message() << " / server: " << StatusText(server_verifier->last()));
    REQUIRE(r.status.ok());
    CHECK(r.reply == "spiffe://c8s.test/ns/shop/id/web");
  }

  SECTION("a client refuses a server whose identity does not match") {
    auto client_verifier =
        std::make_shared<CaPeerVerifier>(ca.certificate(), clock, "spiffe://c8s.test/ns/other/");
    CallResult r =
        Call(server.port, MakeGrpcChannelCredentials(
                              TlsIdentity{{client_leaf.cert}, client_leaf.key}, client_verifier));
    CHECK(r.status.error_code() == grpc::StatusCode::UNAVAILABLE);
    // The verifier's precise refusal reaches the caller's status.
    CHECK(r.status.error_message().find(
              "c8s peer verification: peer identity: got \"spiffe://c8s.test/ns/c8s/id/cds\"") !=
          std::string::npos);
  }

  SECTION("a client certificate from a foreign CA is refused") {
    CertificateAuthority foreign = MakeCa("foreign CA", now);
    testing::Leaf impostor = IssueWorkloadLeaf(foreign, "web", "spiffe://c8s.test/ns/shop/id/web");
    CallResult r = Call(server.port, MakeGrpcChannelCredentials(
                                         TlsIdentity{{impostor.cert}, impostor.key}, verifier));
    // The server refuses after the handshake; the client only sees the connection close.
    CHECK(r.status.error_code() == grpc::StatusCode::UNAVAILABLE);
    CHECK(r.reply.empty());
    CHECK(StatusText(server_verifier->last())
              .find("issuer mismatch: no trusted certificate named CN=foreign CA,O=c8s") !=
          std::string::npos);
  }

  SECTION("a client cannot pass off another's certificate by putting it in its chain") {
    // The impostor holds only web's public certificate; its handshake key is its own.
    CertificateAuthority foreign = MakeCa("foreign CA", now);
    testing::Leaf impostor = IssueWorkloadLeaf(foreign, "web", "spiffe://c8s.test/ns/shop/id/web");
    CallResult r = Call(
        server.port, MakeGrpcChannelCredentials(
                         TlsIdentity{{impostor.cert, client_leaf.cert}, impostor.key}, verifier));
    CHECK(r.status.error_code() == grpc::StatusCode::UNAVAILABLE);
    CHECK(r.reply.empty());
    CHECK(StatusText(server_verifier->last())
              .find("issuer mismatch: no trusted certificate named CN=foreign CA,O=c8s") !=
          std::string::npos);
  }
}

}  // namespace

TEST_CASE("PrepareGrpcProcess: TLS servers created afterwards send no session tickets", "[unit]") {
  REQUIRE(PrepareGrpcProcess().ok());
  // gRPC builds its SSL_CTX the same way, out of our reach; OpenSSL's default is 2 tickets.
  std::unique_ptr<SSL_CTX, decltype(&SSL_CTX_free)> ctx(SSL_CTX_new(TLS_server_method()),
                                                        SSL_CTX_free);
  REQUIRE(ctx != nullptr);
  CHECK(SSL_CTX_get_num_tickets(ctx.get()) == 0);
}

namespace {

// What gRPC 1.51 does to each SSL_CTX it makes (ssl_transport_security.cc): P-256 only.
void PinToP256LikeGrpc(SSL_CTX* ctx) {
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
  EC_KEY* ecdh = EC_KEY_new_by_curve_name(NID_X9_62_prime256v1);
  REQUIRE(SSL_CTX_ctrl(ctx, SSL_CTRL_SET_TMP_ECDH, 0, ecdh) == 1);
  EC_KEY_free(ecdh);
#pragma GCC diagnostic pop
}

SslCtxPtr ServerContext(const testing::Leaf& leaf) {
  absl::StatusOr<SslCtxPtr> ctx = CreateServerContext(
      TlsOptions{TlsIdentity{{leaf.cert}, leaf.key}, nullptr, /*require_peer_certificate=*/false});
  REQUIRE(ctx.ok());
  return std::move(*ctx);
}

// A TLS 1.3 handshake in memory; returns the key-exchange group both ended up with.
int NegotiatedGroup(SSL_CTX* client_ctx, SSL_CTX* server_ctx) {
  std::unique_ptr<SSL, decltype(&SSL_free)> client(SSL_new(client_ctx), SSL_free);
  std::unique_ptr<SSL, decltype(&SSL_free)> server(SSL_new(server_ctx), SSL_free);
  REQUIRE((client && server));
  BIO *client_end = nullptr, *server_end = nullptr;
  REQUIRE(BIO_new_bio_pair(&client_end, 0, &server_end, 0) == 1);
  SSL_set_bio(client.get(), client_end, client_end);
  SSL_set_bio(server.get(), server_end, server_end);
  SSL_set_connect_state(client.get());
  SSL_set_accept_state(server.get());
  bool client_done = false, server_done = false;
  for (int round = 0; round < 10 && !(client_done && server_done); ++round) {
    if (!client_done) client_done = SSL_do_handshake(client.get()) == 1;
    if (!server_done) server_done = SSL_do_handshake(server.get()) == 1;
  }
  REQUIRE((client_done && server_done));
  CHECK(SSL_version(client.get()) == TLS1_3_VERSION);
  return SSL_get_negotiated_group(client.get());
}

}  // namespace

TEST_CASE("PrepareGrpcProcess: gRPC's P-256-only TLS contexts also offer X25519, first", "[unit]") {
  REQUIRE(PrepareGrpcProcess().ok());
  testing::Leaf leaf =
      IssueWorkloadLeaf(MakeCa("groups CA"), "server", "spiffe://c8s.test/ns/c8s/id/server");
  SslCtxPtr server = ServerContext(leaf);
  SslCtxPtr client(SSL_CTX_new(TLS_client_method()));
  REQUIRE(client != nullptr);
  PinToP256LikeGrpc(server.get());
  PinToP256LikeGrpc(client.get());
  // Two c8s processes: X25519.
  CHECK(NegotiatedGroup(client.get(), server.get()) == NID_X25519);
  // A peer that really offers P-256 only (gRPC outside c8s) is still served.
  SslCtxPtr p256_server = ServerContext(leaf);
  REQUIRE(SSL_CTX_set1_groups_list(p256_server.get(), "P-256") == 1);
  CHECK(NegotiatedGroup(client.get(), p256_server.get()) == NID_X9_62_prime256v1);
  SslCtxPtr p256_client(SSL_CTX_new(TLS_client_method()));
  REQUIRE(SSL_CTX_set1_groups_list(p256_client.get(), "P-256") == 1);
  CHECK(NegotiatedGroup(p256_client.get(), server.get()) == NID_X9_62_prime256v1);
}

}  // namespace c8s::crypto
