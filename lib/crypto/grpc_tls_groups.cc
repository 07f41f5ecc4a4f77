#include "lib/crypto/grpc_tls_groups.h"

#include <dlfcn.h>
#include <openssl/ssl.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>

namespace c8s::crypto {
namespace {

std::atomic<bool> x25519_for_grpc{false};

using SslCtxCtrl = long (*)(SSL_CTX*, int, long, void*);

SslCtxCtrl OpenSslCtxCtrl() {
  static const SslCtxCtrl real = [] {
    auto fn = reinterpret_cast<SslCtxCtrl>(dlsym(RTLD_NEXT, "SSL_CTX_ctrl"));
    if (fn == nullptr) {
      // Unreachable while libssl is linked; without it no TLS setting could be honoured.
      std::fprintf(stderr, "c8s: libssl's SSL_CTX_ctrl not found: %s\n", dlerror());
      std::abort();
    }
    return fn;
  }();
  return real;
}

bool X25519ForGrpcEnabled() { return x25519_for_grpc.load(std::memory_order_acquire); }

}  // namespace

void EnableX25519ForGrpc() {
  (void)OpenSslCtxCtrl();  // resolve now, not inside gRPC's first handshake set-up
  x25519_for_grpc.store(true, std::memory_order_release);
}

}  // namespace c8s::crypto

// Interposes on libssl's definition for this process (see grpc_tls_groups.h). Only gRPC asks
// for SSL_CTRL_SET_TMP_ECDH: c8s's own TLS code never does.
extern "C" long SSL_CTX_ctrl(SSL_CTX* ctx, int cmd, long larg, void* parg) {
  if (cmd == SSL_CTRL_SET_TMP_ECDH && c8s::crypto::X25519ForGrpcEnabled()) {
    static char groups[] = "X25519:P-256";
    return c8s::crypto::OpenSslCtxCtrl()(ctx, SSL_CTRL_SET_GROUPS_LIST, 0, groups);
  }
  return c8s::crypto::OpenSslCtxCtrl()(ctx, cmd, larg, parg);
}
