#include "lib/crypto/p384.h"

#include <algorithm>
#include <cstdlib>

#include "lib/base/status.h"
#include "lib/base/strings.h"
#include "lib/crypto/p384_internal.h"

namespace c8s::crypto {
namespace p384_internal {
namespace {

constexpr const Modulus& F = kFieldP;
constexpr const Modulus& N = kGroupN;

Fe Mul(const Fe& a, const Fe& b) { return MontMul(a, b, F); }
Fe Sq(const Fe& a) { return MontSquare(a, F); }
Fe Add(const Fe& a, const Fe& b) { return p384_internal::Add(a, b, F); }
Fe Sub(const Fe& a, const Fe& b) { return p384_internal::Sub(a, b, F); }

// dbl-2001-b (a = -3): 3M + 5S.
Jacobian Double(const Jacobian& a) {
  if (IsZero(a.z)) return a;
  Fe delta = Sq(a.z);
  Fe gamma = Sq(a.y);
  Fe beta = Mul(a.x, gamma);
  Fe alpha = Mul(Sub(a.x, delta), Add(a.x, delta));
  alpha = Add(Add(alpha, alpha), alpha);
  Fe beta4 = Add(beta, beta);
  beta4 = Add(beta4, beta4);
  Jacobian out;
  out.x = Sub(Sq(alpha), Add(beta4, beta4));
  out.z = Sub(Sub(Sq(Add(a.y, a.z)), gamma), delta);
  Fe gamma8 = Sq(gamma);
  gamma8 = Add(gamma8, gamma8);
  gamma8 = Add(gamma8, gamma8);
  gamma8 = Add(gamma8, gamma8);
  out.y = Sub(Mul(alpha, Sub(beta4, out.x)), gamma8);
  return out;
}

// a + b with b affine (madd-2004-hmv): 8M + 3S. Handles a == ±b and a at infinity.
Jacobian AddMixed(const Jacobian& a, const Affine& b) {
  if (IsZero(a.z)) return Jacobian{b.x, b.y, F.one};
  Fe z1z1 = Sq(a.z);
  Fe h = Sub(Mul(b.x, z1z1), a.x);
  Fe r = Sub(Mul(b.y, Mul(a.z, z1z1)), a.y);
  if (IsZero(h)) return IsZero(r) ? Double(a) : Jacobian{};
  Fe hh = Sq(h);
  Fe hhh = Mul(h, hh);
  Fe v = Mul(a.x, hh);
  Jacobian out;
  out.x = Sub(Sub(Sub(Sq(r), hhh), v), v);
  out.y = Sub(Mul(r, Sub(v, out.x)), Mul(a.y, hhh));
  out.z = Mul(a.z, h);
  return out;
}

// (X/Z^2, Y/Z^3) given 1/Z.
Affine Scale(const Jacobian& p, const Fe& zinv) {
  Fe zinv2 = Sq(zinv);
  return Affine{Mul(p.x, zinv2), Mul(p.y, Mul(zinv2, zinv))};
}

Affine ToAffine(const Jacobian& p) { return Scale(p, MontInverse(p.z, F)); }

// B, 3B, ..., (2*kTableSize - 1)B in affine form: one inversion for 2B, one shared by all
// entries (Montgomery's trick).
std::array<Affine, kTableSize> OddMultiples(const Affine& base) {
  std::array<Jacobian, kTableSize> j;
  j[0] = Jacobian{base.x, base.y, F.one};
  Affine twice = ToAffine(Double(j[0]));
  for (int i = 1; i < kTableSize; ++i) j[i] = AddMixed(j[i - 1], twice);
  std::array<Fe, kTableSize> prefix;  // z_0 * ... * z_i
  prefix[0] = j[0].z;
  for (int i = 1; i < kTableSize; ++i) prefix[i] = Mul(prefix[i - 1], j[i].z);
  Fe inv = MontInverse(prefix[kTableSize - 1], F);
  std::array<Affine, kTableSize> out;
  for (int i = kTableSize - 1; i >= 0; --i) {
    Fe zinv = i > 0 ? Mul(inv, prefix[i - 1]) : inv;
    if (i > 0) inv = Mul(inv, j[i].z);
    out[i] = Scale(j[i], zinv);
  }
  return out;
}

KeyTable BuildTable(const Affine& p) {
  KeyTable table;
  Affine base = p;
  for (int part = 0; part < kParts; ++part) {
    if (part > 0) {
      Jacobian shifted{base.x, base.y, F.one};
      for (int i = 0; i < kPartBits; ++i) shifted = Double(shifted);
      base = ToAffine(shifted);  // 2^(48 part) P is not the identity: P has prime order n
    }
    table.odd_multiples[part] = OddMultiples(base);
  }
  return table;
}

const KeyTable& GeneratorTable() {
  static const KeyTable table = BuildTable(Affine{ToMont(kGx, F), ToMont(kGy, F)});
  return table;
}

// Width-w NAF (Solinas) of bits [kPartBits part, kPartBits (part + 1)) of k: digits odd or
// zero, |d| < 2^(w-1), least significant first; returns the number of digits (at most
// kPartBits + 1).
constexpr int kMaxDigits = kPartBits + 1;
int Wnaf(const Fe& k, int part, int8_t (&digits)[kMaxDigits]) {
  u64 x[3] = {};  // the piece and room for the carry of a negative digit
  const int shift = part * kPartBits;
  static_assert(kPartBits % 16 == 0 && kPartBits <= 128);
  for (int b = 0; b < kPartBits; b += 16) {  // 16-bit chunks never straddle two limbs
    int at = shift + b;
    u64 chunk = (k.v[at / 64] >> (at % 64)) & 0xFFFF;
    x[b / 64] |= chunk << (b % 64);
  }
  constexpr int kFull = 1 << kWindow, kHalf = 1 << (kWindow - 1);
  int n = 0;
  while (x[0] != 0 || x[1] != 0 || x[2] != 0) {
    int d = 0;
    if (x[0] & 1) {
      d = static_cast<int>(x[0] & (kFull - 1));
      if (d >= kHalf) d -= kFull;
      // x -= d, keeping x >= 0 (x - d is divisible by 2^w and non-negative).
      u64 delta = static_cast<u64>(d < 0 ? -d : d);
      for (int i = 0; i < 3 && delta != 0; ++i) {
        u64 before = x[i];
        x[i] = d < 0 ? before + delta : before - delta;
        delta = d < 0 ? (x[i] < before) : (x[i] > before);
      }
    }
    digits[n++] = static_cast<int8_t>(d);
    x[0] = x[0] >> 1 | x[1] << 63;
    x[1] = x[1] >> 1 | x[2] << 63;
    x[2] >>= 1;
  }
  return n;
}

Affine Pick(const std::array<Affine, kTableSize>& t, int digit) {
  Affine a = t[static_cast<size_t>(std::abs(digit) >> 1)];
  if (digit < 0) a.y = Sub(Fe{}, a.y);
  return a;
}

// Straus-Shamir over the sixteen pieces: one doubling chain of kPartBits + 1 steps.
Jacobian MulAdd(const Fe& u1, const KeyTable& g, const Fe& u2, const KeyTable& q) {
  int8_t digits[2][kParts][kMaxDigits] = {};
  int n = 0;
  for (int part = 0; part < kParts; ++part) {
    n = std::max(n, Wnaf(u1, part, digits[0][part]));
    n = std::max(n, Wnaf(u2, part, digits[1][part]));
  }
  const KeyTable* tables[2] = {&g, &q};
  Jacobian acc;
  for (int i = n - 1; i >= 0; --i) {
    acc = Double(acc);
    for (int s = 0; s < 2; ++s) {
      for (int part = 0; part < kParts; ++part) {
        int d = digits[s][part][i];
        if (d != 0) acc = AddMixed(acc, Pick(tables[s]->odd_multiples[part], d));
      }
    }
  }
  return acc;
}

// x(P) mod n == r for P = (X/Z^2, ...), without inverting Z. x(P) < p < 2n, so that means
// x(P) == r, or x(P) == r + n when r + n is below p.
bool XMatches(const Jacobian& p, const Fe& r) {
  Fe z2 = Sq(p.z);
  if (Equal(Mul(ToMont(r, F), z2), p.x)) return true;
  Fe r_plus_n;
  if (AddRaw(r_plus_n, r, kOrder) != 0 || GreaterOrEqual(r_plus_n, kPrime)) return false;
  return Equal(Mul(ToMont(r_plus_n, F), z2), p.x);
}

absl::Status Refuse(std::string_view why) {
  return absl::InvalidArgumentError(StrCat("ECDSA P-384: ", why));
}

}  // namespace

absl::StatusOr<Affine> DecodePoint(ByteSpan point) {
  if (point.size() != P384VerifyingKey::kPointSize || point[0] != 0x04) {
    return Refuse(
        StrCat("public key is not an uncompressed point (want 04 || X || Y, 97 bytes;"
               " got ",
               point.size(), " bytes",
               point.empty() ? "" : StrCat(" starting 0x", HexEncode(point.first(1))), ")"));
  }
  Fe x = FromBigEndian(point.subspan(1, 48));
  Fe y = FromBigEndian(point.subspan(49, 48));
  if (GreaterOrEqual(x, kPrime) || GreaterOrEqual(y, kPrime)) {
    return Refuse("public key coordinate is not below the field prime p");
  }
  Affine a{ToMont(x, F), ToMont(y, F)};
  // y^2 = x^3 - 3x + b (SP 800-186 §3.2.1.4)
  Fe rhs = Sub(Mul(Sq(a.x), a.x), Add(Add(a.x, a.x), a.x));
  rhs = Add(rhs, ToMont(kCurveB, F));
  if (!Equal(Sq(a.y), rhs)) return Refuse("public key is not a point on the curve");
  return a;
}

std::optional<Bytes> DoubleScalarMul(ByteSpan u1, const KeyTable& q, ByteSpan u2) {
  Jacobian p = MulAdd(FromBigEndian(u1), GeneratorTable(), FromBigEndian(u2), q);
  if (IsZero(p.z)) return std::nullopt;
  Affine a = ToAffine(p);
  Bytes out = {0x04};
  Append(out, ToBigEndian(FromMont(a.x, F)));
  Append(out, ToBigEndian(FromMont(a.y, F)));
  return out;
}

bool XModOrderEquals(const Affine& p, const Fe& lambda, const Fe& r) {
  Fe lambda2 = Sq(lambda);
  return XMatches(Jacobian{Mul(p.x, lambda2), Mul(p.y, Mul(lambda2, lambda)), lambda}, r);
}

}  // namespace p384_internal

using namespace p384_internal;

absl::StatusOr<P384VerifyingKey> P384VerifyingKey::FromUncompressedPoint(ByteSpan point) {
  ASSIGN_OR_RETURN(Affine a, DecodePoint(point));
  return P384VerifyingKey(std::make_shared<const KeyTable>(BuildTable(a)));
}

absl::Status P384VerifyingKey::VerifyDigest(ByteSpan digest, ByteSpan r_bytes,
                                            ByteSpan s_bytes) const {
  if (r_bytes.size() != kScalarSize || s_bytes.size() != kScalarSize) {
    return Refuse(
        StrCat("r and s must be 48 bytes each, got ", r_bytes.size(), " and ", s_bytes.size()));
  }
  Fe r = FromBigEndian(r_bytes), s = FromBigEndian(s_bytes);
  // FIPS 186-5 §6.4.2 step 2.
  if (IsZero(r) || GreaterOrEqual(r, kOrder)) return Refuse("r is not in [1, n-1]");
  if (IsZero(s) || GreaterOrEqual(s, kOrder)) return Refuse("s is not in [1, n-1]");
  // Steps 3-4: e is the leftmost 384 bits of the digest, reduced once (e < 2^384 < 2n).
  Bytes e_bytes(kScalarSize, 0);
  size_t used = std::min(digest.size(), kScalarSize);
  std::copy(digest.begin(), digest.begin() + static_cast<std::ptrdiff_t>(used),
            e_bytes.end() - static_cast<std::ptrdiff_t>(used));
  Fe e = FromBigEndian(e_bytes);
  if (GreaterOrEqual(e, kOrder)) SubRaw(e, e, kOrder);
  // Steps 5-6: u = e/s, v = r/s mod n. MontMul of a plain value by s^-1 R is plain.
  Fe s_inverse = MontInverse(ToMont(s, N), N);
  Fe u = MontMul(e, s_inverse, N);
  Fe v = MontMul(r, s_inverse, N);
  Jacobian point = MulAdd(u, GeneratorTable(), v, *table_);
  if (IsZero(point.z)) return Refuse("signature does not verify (u*G + v*Q is the identity)");
  // Steps 7-8.
  if (!XMatches(point, r)) return Refuse("signature does not verify (x(u*G + v*Q) mod n != r)");
  return absl::OkStatus();
}

}  // namespace c8s::crypto
