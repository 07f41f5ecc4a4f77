#include "lib/crypto/tls_stream.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>

#include <cerrno>

#include "lib/base/status.h"
#include "lib/base/strings.h"

namespace c8s::crypto {
namespace {

absl::Status SetNonBlocking(int fd) {
  int flags = ::fcntl(fd, F_GETFL, 0);
  if (flags < 0 || ::fcntl(fd, F_SETFL, flags | O_NONBLOCK) != 0) {
    return ErrnoStatus("fcntl O_NONBLOCK", errno);
  }
  return absl::OkStatus();
}

}  // namespace

template <typename Op>
absl::StatusOr<int> TlsStream::Drive(Op op, absl::Time deadline, std::string_view what) {
  for (;;) {
    int rc = 0, err = 0;
    {
      std::lock_guard lock(mu_);
      if (closed_) return absl::UnavailableError(StrCat(what, ": stream closed"));
      rc = op(ssl_.get());
      if (rc > 0) return rc;
      err = SSL_get_error(ssl_.get(), rc);
    }
    short events = 0;
    if (err == SSL_ERROR_WANT_READ) {
      events = POLLIN;
    } else if (err == SSL_ERROR_WANT_WRITE) {
      events = POLLOUT;
    } else if (err == SSL_ERROR_ZERO_RETURN) {
      return absl::UnavailableError(StrCat(what, ": closed by peer"));
    } else if (err == SSL_ERROR_SYSCALL) {
      ClearOpenSslErrors();
      return absl::UnavailableError(StrCat(what, ": connection lost"));
    } else {
      absl::Status peer = GetPeerVerificationError(ssl_.get());
      if (!peer.ok()) {
        ClearOpenSslErrors();
        return absl::UnauthenticatedError(StrCat(what, ": peer rejected: ", StatusText(peer)));
      }
      return OpenSslError(what);
    }
    absl::Duration left = deadline - absl::Now();
    if (left <= absl::ZeroDuration()) return absl::DeadlineExceededError(StrCat(what, ": timed out"));
    struct pollfd p {fd_.get(), events, 0};
    int ms = static_cast<int>(std::min<int64_t>(absl::ToInt64Milliseconds(left) + 1, 1000));
    if (::poll(&p, 1, ms) < 0 && errno != EINTR) return ErrnoStatus(StrCat(what, ": poll"), errno);
  }
}

absl::StatusOr<std::unique_ptr<TlsStream>> TlsStream::Accept(SSL_CTX* ctx, UniqueFd fd,
                                                             absl::Duration timeout) {
  return Handshake(ctx, std::move(fd), true, timeout);
}

absl::StatusOr<std::unique_ptr<TlsStream>> TlsStream::Connect(SSL_CTX* ctx, UniqueFd fd,
                                                              absl::Duration timeout) {
  return Handshake(ctx, std::move(fd), false, timeout);
}

absl::StatusOr<std::unique_ptr<TlsStream>> TlsStream::Handshake(SSL_CTX* ctx, UniqueFd fd,
                                                                bool server,
                                                                absl::Duration timeout) {
  RETURN_IF_ERROR(SetNonBlocking(fd.get()));
  SslPtr ssl(SSL_new(ctx));
  if (!ssl || SSL_set_fd(ssl.get(), fd.get()) != 1) return OpenSslError("SSL_new");
  SSL_set_mode(ssl.get(), SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
  if (server) {
    SSL_set_accept_state(ssl.get());
  } else {
    SSL_set_connect_state(ssl.get());
  }
  std::unique_ptr<TlsStream> stream(new TlsStream(std::move(ssl), std::move(fd)));
  absl::Time deadline = absl::Now() + timeout;
  absl::StatusOr<int> done =
      stream->Drive([](SSL* s) { return SSL_do_handshake(s); }, deadline, "TLS handshake");
  if (!done.ok()) return done.status();
  return stream;
}

TlsStream::~TlsStream() { Close(); }

void TlsStream::Close() {
  std::lock_guard lock(mu_);
  if (closed_) return;
  closed_ = true;
  ::shutdown(fd_.get(), SHUT_RDWR);
}

absl::Status TlsStream::Write(ByteSpan data, absl::Duration timeout) {
  absl::Time deadline = absl::Now() + timeout;
  size_t off = 0;
  while (off < data.size()) {
    int chunk = static_cast<int>(std::min<size_t>(data.size() - off, 1 << 20));
    const uint8_t* p = data.data() + off;
    ASSIGN_OR_RETURN(int n, Drive([&](SSL* s) { return SSL_write(s, p, chunk); }, deadline,
                                  "TLS write"));
    off += static_cast<size_t>(n);
  }
  return absl::OkStatus();
}

absl::StatusOr<Bytes> TlsStream::ReadExact(size_t n, absl::Duration timeout) {
  absl::Time deadline = absl::Now() + timeout;
  Bytes out(n);
  size_t off = 0;
  while (off < n) {
    int chunk = static_cast<int>(std::min<size_t>(n - off, 1 << 20));
    uint8_t* p = out.data() + off;
    ASSIGN_OR_RETURN(int got, Drive([&](SSL* s) { return SSL_read(s, p, chunk); }, deadline,
                                    "TLS read"));
    off += static_cast<size_t>(got);
  }
  return out;
}

absl::StatusOr<Bytes> TlsStream::Export(std::string_view label, ByteSpan context, size_t length) {
  std::lock_guard lock(mu_);
  return ExportKeyingMaterial(ssl_.get(), label, context, length);
}

const VerifiedPeer* TlsStream::peer() const { return GetVerifiedPeer(ssl_.get()); }

}  // namespace c8s::crypto
