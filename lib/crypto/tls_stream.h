// A TLS 1.3 stream over a connected socket, for point-to-point channels that need what gRPC
// 1.51 does not expose: the exporter (RFC 8446 §7.5). The CDS replica channel binds each
// side's attestation evidence to it (c8s/replica/v1). Reads and writes may come from two
// threads at once (the socket is non-blocking; each SSL call holds a lock, waits do not).
//
//   ASSIGN_OR_RETURN(SslCtxPtr ctx, CreateClientContext({identity, verifier}));
//   ASSIGN_OR_RETURN(auto s, TlsStream::Connect(ctx.get(), std::move(fd), absl::Seconds(5)));
//   ASSIGN_OR_RETURN(Bytes binding, s->Export("EXPORTER-c8s-replica", {}, 32));
//   RETURN_IF_ERROR(s->Write(frame));
//   ASSIGN_OR_RETURN(Bytes header, s->ReadExact(4, absl::Seconds(5)));
#pragma once

#include <memory>
#include <mutex>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "lib/base/bytes.h"
#include "lib/base/fd.h"
#include "lib/crypto/openssl_util.h"
#include "lib/crypto/tls.h"

namespace c8s::crypto {

class TlsStream {
 public:
  static absl::StatusOr<std::unique_ptr<TlsStream>> Accept(SSL_CTX* ctx, UniqueFd fd,
                                                           absl::Duration timeout);
  static absl::StatusOr<std::unique_ptr<TlsStream>> Connect(SSL_CTX* ctx, UniqueFd fd,
                                                            absl::Duration timeout);
  ~TlsStream();
  TlsStream(const TlsStream&) = delete;
  TlsStream& operator=(const TlsStream&) = delete;

  absl::Status Write(ByteSpan data, absl::Duration timeout = absl::Seconds(10));
  // Exactly `n` bytes, or an error: Unavailable "closed by peer", DeadlineExceeded.
  absl::StatusOr<Bytes> ReadExact(size_t n, absl::Duration timeout);
  absl::StatusOr<Bytes> Export(std::string_view label, ByteSpan context, size_t length);
  // The peer the context's PeerVerifier accepted, if any.
  const VerifiedPeer* peer() const;
  // Wakes blocked readers and writers (they fail with "closed") and closes the socket.
  void Close();

 private:
  TlsStream(SslPtr ssl, UniqueFd fd) : ssl_(std::move(ssl)), fd_(std::move(fd)) {}
  static absl::StatusOr<std::unique_ptr<TlsStream>> Handshake(SSL_CTX* ctx, UniqueFd fd,
                                                              bool server, absl::Duration timeout);
  // Runs `op` until it succeeds, waiting for the socket as OpenSSL asks.
  template <typename Op>
  absl::StatusOr<int> Drive(Op op, absl::Time deadline, std::string_view what);

  SslPtr ssl_;
  UniqueFd fd_;
  std::mutex mu_;
  bool closed_ = false;
};

}  // namespace c8s::crypto
