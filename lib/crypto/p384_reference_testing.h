// OpenSSL's answers to the questions p384.h answers, for the differential tests and the
// fuzzer: the same point check, the same ECDSA verification on a digest, the same u1*G + u2*Q.
// Test code only (it reaches OpenSSL's EC_KEY calls, deprecated in 3.0).
#pragma once
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/ecdsa.h>
#include <openssl/err.h>
#include <openssl/obj_mac.h>

#include <memory>
#include <optional>
#include <utility>

#include "lib/base/bytes.h"

namespace c8s::crypto::p384_reference {

inline const EC_GROUP* Curve() {
  static const EC_GROUP* group = EC_GROUP_new_by_curve_name(NID_secp384r1);
  return group;
}

using BnPtr = std::unique_ptr<BIGNUM, decltype(&BN_free)>;
using PointPtr = std::unique_ptr<EC_POINT, decltype(&EC_POINT_free)>;
using KeyPtr = std::unique_ptr<EC_KEY, decltype(&EC_KEY_free)>;

inline BnPtr Bn(ByteSpan be) {
  return BnPtr(BN_bin2bn(be.data(), static_cast<int>(be.size()), nullptr), BN_free);
}

inline Bytes Fixed48(const BIGNUM* v) {
  Bytes out(48);
  BN_bn2binpad(v, out.data(), 48);
  return out;
}

// nullopt for the point at infinity.
inline std::optional<Bytes> Encode(const EC_POINT* p) {
  if (EC_POINT_is_at_infinity(Curve(), p)) return std::nullopt;
  Bytes out(97);
  size_t n = EC_POINT_point2oct(Curve(), p, POINT_CONVERSION_UNCOMPRESSED, out.data(), out.size(),
                                nullptr);
  if (n != out.size()) return Bytes();
  return out;
}

// The key OpenSSL builds from the point, or null where OpenSSL refuses it.
inline KeyPtr KeyFromPoint(ByteSpan point) {
  KeyPtr key(EC_KEY_new(), EC_KEY_free);
  if (EC_KEY_set_group(key.get(), Curve()) != 1 ||
      EC_KEY_oct2key(key.get(), point.data(), point.size(), nullptr) != 1 || point.size() != 97 ||
      point[0] != 0x04) {
    ERR_clear_error();
    return KeyPtr(nullptr, EC_KEY_free);
  }
  return key;
}

// 1: valid; 0: the signature does not verify or r/s is out of range; -1: the key is refused.
inline int Verify(ByteSpan point, ByteSpan digest, ByteSpan r, ByteSpan s) {
  KeyPtr key = KeyFromPoint(point);
  if (!key) return -1;
  std::unique_ptr<ECDSA_SIG, decltype(&ECDSA_SIG_free)> sig(ECDSA_SIG_new(), ECDSA_SIG_free);
  ECDSA_SIG_set0(sig.get(), Bn(r).release(), Bn(s).release());
  int rc = ECDSA_do_verify(digest.data(), static_cast<int>(digest.size()), sig.get(), key.get());
  ERR_clear_error();
  return rc == 1 ? 1 : 0;
}

inline std::optional<Bytes> MulAdd(ByteSpan u1, ByteSpan point, ByteSpan u2) {
  PointPtr q(EC_POINT_new(Curve()), EC_POINT_free), out(EC_POINT_new(Curve()), EC_POINT_free);
  EC_POINT_oct2point(Curve(), q.get(), point.data(), point.size(), nullptr);
  EC_POINT_mul(Curve(), out.get(), Bn(u1).get(), q.get(), Bn(u2).get(), nullptr);
  return Encode(out.get());
}

// d*G for a non-zero d below n.
inline Bytes PointOf(ByteSpan d) {
  PointPtr p(EC_POINT_new(Curve()), EC_POINT_free);
  EC_POINT_mul(Curve(), p.get(), Bn(d).get(), nullptr, nullptr, nullptr);
  return Encode(p.get()).value_or(Bytes());
}

// An ECDSA signature (r, s) by the private key d over `digest` (random nonce).
inline std::pair<Bytes, Bytes> Sign(ByteSpan d, ByteSpan digest) {
  KeyPtr key(EC_KEY_new(), EC_KEY_free);
  EC_KEY_set_group(key.get(), Curve());
  EC_KEY_set_private_key(key.get(), Bn(d).get());
  PointPtr pub(EC_POINT_new(Curve()), EC_POINT_free);
  EC_POINT_mul(Curve(), pub.get(), Bn(d).get(), nullptr, nullptr, nullptr);
  EC_KEY_set_public_key(key.get(), pub.get());
  std::unique_ptr<ECDSA_SIG, decltype(&ECDSA_SIG_free)> sig(
      ECDSA_do_sign(digest.data(), static_cast<int>(digest.size()), key.get()), ECDSA_SIG_free);
  if (!sig) return {};
  return {Fixed48(ECDSA_SIG_get0_r(sig.get())), Fixed48(ECDSA_SIG_get0_s(sig.get()))};
}

}  // namespace c8s::crypto::p384_reference
