#include "lib/crypto/p384.h"

#include <catch2/catch_test_macros.hpp>

#include "lib/crypto/hash.h"
#include "lib/crypto/p384_internal.h"
#include "lib/crypto/p384_reference_testing.h"

namespace c8s::crypto {
namespace {

namespace ref = p384_reference;
using p384_internal::Fe;

// A private scalar in [1, n-1] (48 random bytes are below n with overwhelming probability;
// the top byte is cleared so that they always are).
Bytes RandomScalar() {
  Bytes d = RandomBytes(48);
  d[0] &= 0x7F;
  d[47] |= 1;
  return d;
}

Bytes Be48(const Fe& v) { return p384_internal::ToBigEndian(v); }

Bytes OrderMinus(uint64_t k) {
  Fe v;
  p384_internal::SubRaw(v, p384_internal::kOrder, Fe{{k}});
  return Be48(v);
}

TEST_CASE("P-384: the Montgomery constants invert R", "[unit]") {
  using namespace p384_internal;
  for (const Modulus* m : {&kFieldP, &kGroupN}) {
    Fe seven = ToMont(Fe{{7}}, *m);
    CHECK(Equal(FromMont(seven, *m), Fe{{7}}));
    CHECK(Equal(FromMont(MontMul(seven, MontInverse(seven, *m), *m), *m), Fe{{1}}));
    CHECK(m->m.v[0] * m->m0inv == ~uint64_t{0});  // m * m0inv == -1 mod 2^64
    // Squaring has its own column arithmetic: it must agree with the product, including on
    // the largest residue (all carries).
    Fe largest;
    SubRaw(largest, m->m, Fe{{1}});
    for (int i = 0; i < 200; ++i) {
      Fe a = i == 0 ? largest : ToMont(FromBigEndian(RandomScalar()), *m);
      INFO(HexEncode(ToBigEndian(a)));
      CHECK(Equal(MontSquare(a, *m), MontMul(a, a, *m)));
    }
  }
}

TEST_CASE("P-384: signatures OpenSSL makes verify, and tampered ones are refused", "[unit]") {
  for (int i = 0; i < 60; ++i) {
    Bytes d = RandomScalar();
    Bytes point = ref::PointOf(d);
    Bytes digest = Sha384(RandomBytes(64));
    auto [r, s] = ref::Sign(d, digest);
    REQUIRE(ref::Verify(point, digest, r, s) == 1);
    P384VerifyingKey key = P384VerifyingKey::FromUncompressedPoint(point).value();
    REQUIRE(key.VerifyDigest(digest, r, s).ok());

    // One flipped bit anywhere in the digest, r or s: both implementations refuse it.
    for (Bytes* part : {&digest, &r, &s}) {
      Bytes saved = *part;
      (*part)[static_cast<size_t>(i) % part->size()] ^= static_cast<uint8_t>(1u << (i % 8));
      INFO("round " << i);
      CHECK(ref::Verify(point, digest, r, s) == 0);
      CHECK_FALSE(key.VerifyDigest(digest, r, s).ok());
      *part = saved;
    }
  }
}

TEST_CASE("P-384: digests shorter and longer than 384 bits are used as SEC 1 says", "[unit]") {
  Bytes d = RandomScalar();
  Bytes point = ref::PointOf(d);
  P384VerifyingKey key = P384VerifyingKey::FromUncompressedPoint(point).value();
  for (Bytes digest : {Sha256(AsBytes("short")), Sha512(AsBytes("long")), Bytes(48, 0xFF)}) {
    auto [r, s] = ref::Sign(d, digest);
    INFO(digest.size() << "-byte digest");
    CHECK(key.VerifyDigest(digest, r, s).ok());
    digest.back() ^= 1;  // for SHA-512 this bit is beyond the 384 used: still valid
    CHECK(key.VerifyDigest(digest, r, s).ok() == (ref::Verify(point, digest, r, s) == 1));
  }
}

TEST_CASE("P-384: r and s outside [1, n-1] are refused by name", "[unit]") {
  Bytes d = RandomScalar();
  Bytes digest = Sha384(AsBytes("m"));
  auto [r, s] = ref::Sign(d, digest);
  P384VerifyingKey key = P384VerifyingKey::FromUncompressedPoint(ref::PointOf(d)).value();
  Bytes zero(48, 0), n = OrderMinus(0);
  CHECK(key.VerifyDigest(digest, zero, s).message() == "ECDSA P-384: r is not in [1, n-1]");
  CHECK(key.VerifyDigest(digest, n, s).message() == "ECDSA P-384: r is not in [1, n-1]");
  CHECK(key.VerifyDigest(digest, r, zero).message() == "ECDSA P-384: s is not in [1, n-1]");
  CHECK(key.VerifyDigest(digest, r, Bytes(48, 0xFF)).message() ==
        "ECDSA P-384: s is not in [1, n-1]");
  CHECK(key.VerifyDigest(digest, r, Bytes(47, 1)).message() ==
        "ECDSA P-384: r and s must be 48 bytes each, got 48 and 47");
  CHECK(key.VerifyDigest(digest, OrderMinus(1), s).message() ==
        "ECDSA P-384: signature does not verify (x(u*G + v*Q) mod n != r)");
}

TEST_CASE("P-384: public keys OpenSSL refuses are refused", "[unit]") {
  Bytes point = ref::PointOf(RandomScalar());
  Bytes off_curve = point;
  off_curve[96] ^= 1;
  Bytes compressed(point.begin(), point.begin() + 49);
  compressed[0] = 0x02 | (point[96] & 1);
  Bytes x_is_p = point;
  std::copy_n(Be48(p384_internal::kPrime).begin(), 48, x_is_p.begin() + 1);
  struct Case {
    Bytes point;
    std::string error;
  };
  for (const Case& c : {
           Case{off_curve, "ECDSA P-384: public key is not a point on the curve"},
           Case{x_is_p, "ECDSA P-384: public key coordinate is not below the field prime p"},
           Case{compressed,
                "ECDSA P-384: public key is not an uncompressed point (want 04 || X || Y, 97 "
                "bytes; got 49 bytes starting 0x0" +
                    std::to_string(compressed[0]) + ")"},
           Case{Bytes(),
                "ECDSA P-384: public key is not an uncompressed point (want 04 || X "
                "|| Y, 97 bytes; got 0 bytes)"},
       }) {
    CHECK(P384VerifyingKey::FromUncompressedPoint(c.point).status().message() == c.error);
    CHECK(ref::Verify(c.point, Bytes(48, 1), Bytes(48, 1), Bytes(48, 1)) == -1);
  }
}

TEST_CASE("P-384: u1*G + u2*Q agrees with OpenSSL, also where the group law special-cases",
          "[unit]") {
  const Bytes g_point = ref::PointOf(Be48(Fe{{1}}));
  const P384VerifyingKey g_key = P384VerifyingKey::FromUncompressedPoint(g_point).value();
  auto check = [](ByteSpan u1, const Bytes& q, const P384VerifyingKey& key, ByteSpan u2) {
    INFO("u1=" << HexEncode(u1) << " u2=" << HexEncode(u2));
    CHECK(p384_internal::DoubleScalarMul(u1, key.table(), u2) == ref::MulAdd(u1, q, u2));
  };
  for (int i = 0; i < 20; ++i) {
    Bytes u = RandomScalar();
    check(u, g_point, g_key, u);              // Q = G, same digits: P + P in the first add
    check(u, g_point, g_key, OrderMinus(0));  // u2 = n: u2*Q is the identity
    Bytes neg_u = Be48([&] {                  // u*G + (n-u)*G is the identity
      Fe v;
      p384_internal::SubRaw(v, p384_internal::kOrder, p384_internal::FromBigEndian(u));
      return v;
    }());
    check(u, g_point, g_key, neg_u);
    Bytes q = ref::PointOf(RandomScalar());
    P384VerifyingKey q_key = P384VerifyingKey::FromUncompressedPoint(q).value();
    check(u, q, q_key, RandomScalar());
    check(Bytes(48, 0), q, q_key, u);                   // no G part
    check(Bytes(48, 0xFF), q, q_key, Bytes(48, 0xFF));  // scalars above n
    // Pieces that end in a carry or start with a lone top bit: every boundary of the split.
    Bytes stripes(48), tops(48, 0);
    for (size_t b = 0; b < 48; ++b) stripes[b] = (b / 6) % 2 == 0 ? 0xFF : 0x00;
    for (size_t b = 0; b < 48; b += 6) tops[b] = 0x80;
    check(stripes, q, q_key, tops);
    check(tops, q, q_key, stripes);
  }
  check(Bytes(48, 0), g_point, g_key, Bytes(48, 0));  // the identity
}

TEST_CASE("P-384: x(R) mod n == r also when x(R) >= n (the r + n branch)", "[unit]") {
  using namespace p384_internal;
  // A curve point with n <= x < p: x = n + t for the first t giving a square y^2.
  for (uint64_t t = 1;; ++t) {
    Fe x;
    AddRaw(x, kOrder, Fe{{t}});
    Bytes x_be = Be48(x);
    ref::PointPtr p(EC_POINT_new(ref::Curve()), EC_POINT_free);
    if (EC_POINT_set_compressed_coordinates(ref::Curve(), p.get(), ref::Bn(x_be).get(), 0,
                                            nullptr) != 1) {
      ERR_clear_error();
      continue;
    }
    Bytes point = ref::Encode(p.get()).value();
    p384_internal::Affine a = DecodePoint(point).value();
    Fe lambda = ToMont(Fe{{12345}}, kFieldP);
    CHECK(XModOrderEquals(a, lambda, Fe{{t}}));
    CHECK_FALSE(XModOrderEquals(a, lambda, Fe{{t + 1}}));
    break;
  }
}

}  // namespace
}  // namespace c8s::crypto
