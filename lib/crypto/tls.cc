// TLS 1.3 SSL_CTX factories and the keying-material exporter.
#include "lib/crypto/tls.h"

#include "lib/base/status.h"
#include "lib/base/strings.h"

namespace c8s::crypto {
namespace {

absl::Status RestrictToTls13(SSL_CTX* ctx) {
  // c8s speaks only TLS 1.3: no renegotiation, no RSA key exchange, exporters per RFC 8446.
  if (SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION) != 1 ||
      SSL_CTX_set_max_proto_version(ctx, TLS1_3_VERSION) != 1) {
    return OpenSslError("restrict to TLS 1.3");
  }
  // No resumption: every c8s connection is a fresh, fully verified handshake, and a TLS 1.3
  // ticket costs the server a session re-encode (with the peer certificate) per connection.
  if (SSL_CTX_set_num_tickets(ctx, 0) != 1) return OpenSslError("disable TLS 1.3 tickets");
  return absl::OkStatus();
}

absl::StatusOr<SslCtxPtr> NewTls13Context(const SSL_METHOD* method) {
  SslCtxPtr ctx(SSL_CTX_new(method));
  if (!ctx) return OpenSslError("SSL_CTX_new");
  RETURN_IF_ERROR(RestrictToTls13(ctx.get()));
  return ctx;
}

absl::Status UseIdentity(SSL_CTX* ctx, const TlsIdentity& identity) {
  if (identity.chain.empty()) return absl::InvalidArgumentError("TLS identity without a chain");
  if (SSL_CTX_use_certificate(ctx, identity.chain.front().x509()) != 1) {
    return OpenSslError("TLS identity certificate");
  }
  for (size_t i = 1; i < identity.chain.size(); ++i) {
    if (SSL_CTX_add1_chain_cert(ctx, identity.chain[i].x509()) != 1) {
      return OpenSslError("TLS identity chain");
    }
  }
  if (SSL_CTX_use_PrivateKey(ctx, identity.key.evp()) != 1 || SSL_CTX_check_private_key(ctx) != 1) {
    return OpenSslError(
        StrCat("TLS identity key does not match certificate ", identity.chain.front().Subject()));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<SslCtxPtr> CreateServerContext(const TlsOptions& options) {
  SslCtxPtr ctx(SSL_CTX_new(TLS_server_method()));
  if (!ctx) return OpenSslError("SSL_CTX_new");
  RETURN_IF_ERROR(ConfigureServerContext(ctx.get(), options));
  return ctx;
}

absl::Status ConfigureServerContext(SSL_CTX* ctx, const TlsOptions& options) {
  if (!options.identity) return absl::InvalidArgumentError("TLS server needs an identity");
  RETURN_IF_ERROR(RestrictToTls13(ctx));
  RETURN_IF_ERROR(UseIdentity(ctx, *options.identity));
  if (options.require_peer_certificate) {
    if (!options.verifier) {
      return absl::InvalidArgumentError(
          "TLS server requiring client certificates needs a verifier");
    }
    RETURN_IF_ERROR(InstallPeerVerifier(ctx, options.verifier));
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);
  } else if (options.verifier) {
    // Optional client certificates: verified when sent.
    RETURN_IF_ERROR(InstallPeerVerifier(ctx, options.verifier));
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
  } else {
    SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, nullptr);
  }
  return absl::OkStatus();
}

absl::StatusOr<SslCtxPtr> CreateClientContext(const TlsOptions& options) {
  if (!options.verifier) return absl::InvalidArgumentError("TLS client needs a verifier");
  ASSIGN_OR_RETURN(SslCtxPtr ctx, NewTls13Context(TLS_client_method()));
  if (options.identity) RETURN_IF_ERROR(UseIdentity(ctx.get(), *options.identity));
  RETURN_IF_ERROR(InstallPeerVerifier(ctx.get(), options.verifier));
  SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_PEER, nullptr);
  return ctx;
}

absl::StatusOr<Bytes> ExportKeyingMaterial(SSL* ssl, std::string_view label, ByteSpan context,
                                           size_t length) {
  if (SSL_version(ssl) != TLS1_3_VERSION || !SSL_is_init_finished(ssl)) {
    return absl::FailedPreconditionError("TLS exporter needs a finished TLS 1.3 handshake");
  }
  Bytes out(length);
  // In TLS 1.3 an absent and an empty context are the same (RFC 8446 §7.5); always pass one.
  if (SSL_export_keying_material(ssl, out.data(), out.size(), label.data(), label.size(),
                                 context.data(), context.size(), 1) != 1) {
    return OpenSslError(StrCat("TLS exporter \"", label, "\""));
  }
  return out;
}

}  // namespace c8s::crypto
