// The key-exchange groups of gRPC's TLS contexts (internal to grpc_tls.cc and its test).
//
// gRPC 1.51 pins every SSL_CTX it makes to P-256 (SSL_CTX_set_tmp_ecdh, no option to change
// it). On OpenSSL 3.0 a P-256 exchange costs the server a key generation, a full check of the
// peer's share (including n*Q) and a derivation, about 1.6M instructions, against ~0.25M for
// X25519: a fifth of a node join's CPU in the CDS. After EnableX25519ForGrpc, the process's
// own SSL_CTX_ctrl (this file defines the symbol, so libgrpc's calls reach it first) turns that
// one request into "X25519 then P-256"; every other call goes to OpenSSL unchanged. Peers that
// offer only P-256 (gRPC processes that are not c8s) are still served with P-256.
#pragma once

namespace c8s::crypto {

void EnableX25519ForGrpc();

}  // namespace c8s::crypto
