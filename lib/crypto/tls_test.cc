#include "lib/crypto/tls.h"

#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch_test_macros.hpp>
#include <thread>

#include "lib/base/strings.h"
#include "lib/crypto/x509_testing.h"

namespace c8s::crypto {
namespace {

using testing::IssueWorkloadLeaf;
using testing::MakeCa;

struct Handshake {
  SslPtr server;
  SslPtr client;
  bool server_ok = false;
  bool client_ok = false;
};

// Runs both ends of a handshake over a socketpair, one thread each.
Handshake RunHandshake(SSL_CTX* server_ctx, SSL_CTX* client_ctx) {
  // A refused peer closes its end; writing an alert to it must be an error, not a SIGPIPE.
  signal(SIGPIPE, SIG_IGN);
  int fds[2];
  REQUIRE(socketpair(AF_UNIX, SOCK_STREAM, 0, fds) == 0);
  Handshake h{SslPtr(SSL_new(server_ctx)), SslPtr(SSL_new(client_ctx))};
  SSL_set_fd(h.server.get(), fds[0]);
  SSL_set_fd(h.client.get(), fds[1]);
  std::thread server([&] {
    h.server_ok = SSL_accept(h.server.get()) == 1;
    // TLS 1.3 client certificates are checked after the client's Finished: read once so the
    // server's verdict (and its alert) happens before we look at the client.
    char byte;
    if (h.server_ok) h.server_ok = SSL_read(h.server.get(), &byte, 1) == 1;
    if (!h.server_ok) shutdown(fds[0], SHUT_RDWR);
  });
  h.client_ok = SSL_connect(h.client.get()) == 1;
  if (h.client_ok) h.client_ok = SSL_write(h.client.get(), "x", 1) == 1;
  if (!h.client_ok) shutdown(fds[1], SHUT_RDWR);
  server.join();
  if (h.client_ok && !h.server_ok) {
    char byte;  // pick up the server's alert
    h.client_ok = SSL_read(h.client.get(), &byte, 1) > 0;
  }
  ClearOpenSslErrors();
  close(fds[0]);
  close(fds[1]);
  return h;
}

struct Fixture {
  absl::Time now = absl::Now();
  FakeClock clock{now};
  CertificateAuthority ca = MakeCa("c8s CA", now);
  testing::Leaf server = IssueWorkloadLeaf(ca, "cds", "spiffe://c8s.test/ns/c8s/id/cds", now);
  testing::Leaf client = IssueWorkloadLeaf(ca, "pod", "spiffe://c8s.test/ns/shop/id/web", now);

  std::shared_ptr<const PeerVerifier> Verifier(const std::string& prefix = "") {
    return std::make_shared<CaPeerVerifier>(ca.certificate(), clock, prefix);
  }
  TlsOptions Options(const testing::Leaf& leaf, std::shared_ptr<const PeerVerifier> verifier) {
    return TlsOptions{TlsIdentity{{leaf.cert}, leaf.key}, std::move(verifier), true};
  }
};

TEST_CASE("mutual TLS 1.3 handshake verifies both peers and agrees on exporters", "[unit]") {
  Fixture f;
  SslCtxPtr server_ctx = CreateServerContext(f.Options(f.server, f.Verifier())).value();
  SslCtxPtr client_ctx =
      CreateClientContext(f.Options(f.client, f.Verifier("spiffe://c8s.test/ns/c8s/"))).value();
  Handshake h = RunHandshake(server_ctx.get(), client_ctx.get());
  REQUIRE(h.server_ok);
  REQUIRE(h.client_ok);
  CHECK(SSL_version(h.client.get()) == TLS1_3_VERSION);

  const VerifiedPeer* seen_by_client = GetVerifiedPeer(h.client.get());
  const VerifiedPeer* seen_by_server = GetVerifiedPeer(h.server.get());
  REQUIRE(seen_by_client != nullptr);
  REQUIRE(seen_by_server != nullptr);
  CHECK(seen_by_client->uri_identity == "spiffe://c8s.test/ns/c8s/id/cds");
  CHECK(seen_by_server->uri_identity == "spiffe://c8s.test/ns/shop/id/web");
  CHECK(seen_by_server->leaf.ToDer() == f.client.cert.ToDer());

  Bytes ctx = ToBytes("c8s");
  Bytes a = ExportKeyingMaterial(h.client.get(), "EXPORTER-c8s-replica", ctx, 32).value();
  Bytes b = ExportKeyingMaterial(h.server.get(), "EXPORTER-c8s-replica", ctx, 32).value();
  CHECK(a.size() == 32);
  CHECK(a == b);
  CHECK(ExportKeyingMaterial(h.client.get(), "EXPORTER-other", ctx, 32).value() != a);
  CHECK(ExportKeyingMaterial(h.client.get(), "EXPORTER-c8s-replica", {}, 32).value() != a);
}

TEST_CASE("a server from a foreign CA is refused with the verifier's error", "[unit]") {
  Fixture f;
  CertificateAuthority foreign = MakeCa("foreign CA", f.now);
  testing::Leaf impostor = IssueWorkloadLeaf(foreign, "cds", "spiffe://c8s.test/ns/c8s/id/cds");
  TlsOptions server_opts = f.Options(impostor, f.Verifier());
  server_opts.require_peer_certificate = false;
  SslCtxPtr server_ctx = CreateServerContext(server_opts).value();
  SslCtxPtr client_ctx = CreateClientContext(f.Options(f.client, f.Verifier())).value();
  Handshake h = RunHandshake(server_ctx.get(), client_ctx.get());
  CHECK_FALSE(h.client_ok);
  CHECK_FALSE(h.server_ok);
  std::string error = StatusText(GetPeerVerificationError(h.client.get()));
  CHECK(error.find("issuer mismatch: no trusted certificate named CN=foreign CA,O=c8s") !=
        std::string::npos);
  CHECK(GetVerifiedPeer(h.client.get()) == nullptr);
}

TEST_CASE("a server refuses an expired client certificate and names the check", "[unit]") {
  Fixture f;
  f.clock.Advance(absl::Hours(2));  // leaves live 1 h; the CA a year
  SslCtxPtr server_ctx = CreateServerContext(f.Options(f.server, f.Verifier())).value();
  // The client's own clock still accepts the server: only the server sees expiry.
  FakeClock client_clock(f.now);
  auto client_verifier = std::make_shared<CaPeerVerifier>(f.ca.certificate(), client_clock);
  SslCtxPtr client_ctx = CreateClientContext(f.Options(f.client, client_verifier)).value();
  Handshake h = RunHandshake(server_ctx.get(), client_ctx.get());
  CHECK_FALSE(h.server_ok);
  CHECK_FALSE(h.client_ok);
  std::string error = StatusText(GetPeerVerificationError(h.server.get()));
  CHECK(error.find(StrCat("expired at ", FormatRfc3339(f.client.cert.NotAfter()))) !=
        std::string::npos);
}

TEST_CASE("wrong identity prefix or missing client certificate or TLS 1.2 is refused", "[unit]") {
  Fixture f;
  SslCtxPtr server_ctx =
      CreateServerContext(f.Options(f.server, f.Verifier("spiffe://c8s.test/ns/c8s/"))).value();
  SslCtxPtr client_ctx = CreateClientContext(f.Options(f.client, f.Verifier())).value();
  Handshake wrong_id = RunHandshake(server_ctx.get(), client_ctx.get());
  CHECK_FALSE(wrong_id.server_ok);
  CHECK(StatusText(GetPeerVerificationError(wrong_id.server.get())) ==
        "peer identity: got \"spiffe://c8s.test/ns/shop/id/web\", want a URI SAN starting with "
        "\"spiffe://c8s.test/ns/c8s/\"");

  TlsOptions anonymous{std::nullopt, f.Verifier(), true};
  SslCtxPtr anon_ctx = CreateClientContext(anonymous).value();
  Handshake no_cert = RunHandshake(server_ctx.get(), anon_ctx.get());
  CHECK_FALSE(no_cert.server_ok);
  CHECK_FALSE(no_cert.client_ok);

  SslCtxPtr tls12(SSL_CTX_new(TLS_client_method()));
  SSL_CTX_set_max_proto_version(tls12.get(), TLS1_2_VERSION);
  SSL_CTX_set_verify(tls12.get(), SSL_VERIFY_NONE, nullptr);
  Handshake old = RunHandshake(server_ctx.get(), tls12.get());
  CHECK_FALSE(old.server_ok);
  CHECK_FALSE(old.client_ok);

  CHECK_FALSE(CreateClientContext(TlsOptions{}).ok());
  CHECK_FALSE(CreateServerContext(TlsOptions{}).ok());
}

TEST_CASE("CaPeerVerifier refuses garbage and empty chains", "[unit]") {
  Fixture f;
  CaPeerVerifier verifier(f.ca.certificate(), f.clock);
  CHECK(StatusText(verifier.Verify({}).status()) == "peer sent no certificate");
  CHECK(StatusText(verifier.Verify({ToBytes("junk")}).status()).find("peer certificate #0") == 0);
  CHECK(StatusText(verifier.Verify({f.ca.certificate().ToDer()}).status()) ==
        "peer certificate CN=c8s CA,O=c8s is a CA certificate, not a leaf");
  VerifiedPeer peer = verifier.Verify({f.client.cert.ToDer()}).value();
  CHECK(peer.uri_identity == "spiffe://c8s.test/ns/shop/id/web");
  CHECK(peer.claims.empty());
}

}  // namespace
}  // namespace c8s::crypto
