// Arithmetic modulo a 384-bit odd modulus above 2^383 (the P-384 field prime p and group
// order n), in Montgomery form with R = 2^384: six 64-bit limbs, least significant first.
// Internal to p384.cc and its tests. Variable-time: for public data only (see p384.h).
#pragma once

#include <cstdint>

#include "lib/base/bytes.h"

namespace c8s::crypto::p384_internal {

using u64 = uint64_t;
using u128 = unsigned __int128;
constexpr int kLimbs = 6;

struct Fe {
  u64 v[kLimbs] = {};
};

constexpr bool IsZero(const Fe& a) {
  u64 x = 0;
  for (u64 l : a.v) x |= l;
  return x == 0;
}

constexpr bool Equal(const Fe& a, const Fe& b) {
  u64 x = 0;
  for (int i = 0; i < kLimbs; ++i) x |= a.v[i] ^ b.v[i];
  return x == 0;
}

constexpr bool GreaterOrEqual(const Fe& a, const Fe& b) {
  for (int i = kLimbs - 1; i >= 0; --i) {
    if (a.v[i] != b.v[i]) return a.v[i] > b.v[i];
  }
  return true;
}

// out = a + b mod 2^384; returns the carry.
constexpr u64 AddRaw(Fe& out, const Fe& a, const Fe& b) {
  u64 carry = 0;
  for (int i = 0; i < kLimbs; ++i) {
    u128 s = static_cast<u128>(a.v[i]) + b.v[i] + carry;
    out.v[i] = static_cast<u64>(s);
    carry = static_cast<u64>(s >> 64);
  }
  return carry;
}

// out = a - b mod 2^384; returns the borrow.
constexpr u64 SubRaw(Fe& out, const Fe& a, const Fe& b) {
  u64 borrow = 0;
  for (int i = 0; i < kLimbs; ++i) {
    u128 d = static_cast<u128>(a.v[i]) - b.v[i] - borrow;
    out.v[i] = static_cast<u64>(d);
    borrow = static_cast<u64>(d >> 64) & 1;
  }
  return borrow;
}

struct Modulus {
  Fe m;
  u64 m0inv = 0;  // -m^-1 mod 2^64
  Fe one;         // R mod m: 1 in Montgomery form
  Fe r2;          // R^2 mod m: converts into Montgomery form
};

// All operands and results are fully reduced (< m), so every value has one representation
// and IsZero/Equal compare residues.
constexpr Fe Add(const Fe& a, const Fe& b, const Modulus& M) {
  Fe s, d;
  u64 carry = AddRaw(s, a, b);
  u64 borrow = SubRaw(d, s, M.m);
  return (carry != 0 || borrow == 0) ? d : s;
}

constexpr Fe Sub(const Fe& a, const Fe& b, const Modulus& M) {
  Fe d;
  if (SubRaw(d, a, b) != 0) AddRaw(d, d, M.m);
  return d;
}

// (c2:c1:c0) += a * b
constexpr void MulAccumulate(u64 a, u64 b, u64& c0, u64& c1, u64& c2) {
  u128 product = static_cast<u128>(a) * b;
  u128 low = (static_cast<u128>(c1) << 64 | c0) + product;
  c2 += low < product;
  c0 = static_cast<u64>(low);
  c1 = static_cast<u64>(low >> 64);
}

// Moves the column accumulator down one limb once column k is done.
constexpr void NextColumn(u64& c0, u64& c1, u64& c2) {
  c0 = c1;
  c1 = c2;
  c2 = 0;
}

// The Montgomery result top:low is below 2m: one conditional subtraction of m.
constexpr Fe ReduceOnce(const Fe& low, u64 top, const Modulus& M) {
  Fe reduced;
  u64 borrow = SubRaw(reduced, low, M.m);
  return (top != 0 || borrow == 0) ? reduced : low;
}

// a * b * R^-1 mod m, Montgomery multiplication by product scanning (column by column with a
// three-word accumulator; Koç, Acar, Kaliski 1996, "FIPS"). It runs about twice as fast as
// the row-wise form here: gcc keeps the accumulator in registers instead of spilling each
// 128-bit partial sum. With a, b < m the result is below 2m before the final subtraction.
constexpr Fe MontMul(const Fe& a, const Fe& b, const Modulus& M) {
  u64 q[kLimbs] = {};  // the Montgomery quotient digits
  u64 c0 = 0, c1 = 0, c2 = 0;
  Fe low;
#pragma GCC unroll 6
  for (int k = 0; k < kLimbs; ++k) {
#pragma GCC unroll 6
    for (int i = 0; i < k; ++i) {
      MulAccumulate(a.v[i], b.v[k - i], c0, c1, c2);
      MulAccumulate(q[i], M.m.v[k - i], c0, c1, c2);
    }
    MulAccumulate(a.v[k], b.v[0], c0, c1, c2);
    q[k] = c0 * M.m0inv;
    MulAccumulate(q[k], M.m.v[0], c0, c1, c2);  // clears c0
    NextColumn(c0, c1, c2);
  }
#pragma GCC unroll 6
  for (int k = kLimbs; k < 2 * kLimbs - 1; ++k) {
#pragma GCC unroll 6
    for (int i = k - kLimbs + 1; i < kLimbs; ++i) {
      MulAccumulate(a.v[i], b.v[k - i], c0, c1, c2);
      MulAccumulate(q[i], M.m.v[k - i], c0, c1, c2);
    }
    low.v[k - kLimbs] = c0;
    NextColumn(c0, c1, c2);
  }
  low.v[kLimbs - 1] = c0;
  return ReduceOnce(low, c1, M);
}

// MontMul(a, a): the same columns, each product a_i * a_j (i != j) computed once and doubled,
// 21 limb products instead of 36. Doublings are mostly squarings, so this is ~15% of a verify.
constexpr Fe MontSquare(const Fe& a, const Modulus& M) {
  u64 q[kLimbs] = {};
  u64 c0 = 0, c1 = 0, c2 = 0;
  Fe low;
#pragma GCC unroll 11
  for (int k = 0; k < 2 * kLimbs - 1; ++k) {
    const int first = k < kLimbs ? 0 : k - kLimbs + 1;
    u64 d0 = 0, d1 = 0, d2 = 0;  // the cross products of column k, doubled below (< 2^131)
#pragma GCC unroll 3
    for (int i = first; i < (k + 1) / 2; ++i) MulAccumulate(a.v[i], a.v[k - i], d0, d1, d2);
    d2 = d2 << 1 | d1 >> 63;
    d1 = d1 << 1 | d0 >> 63;
    d0 <<= 1;
    if (k % 2 == 0) MulAccumulate(a.v[k / 2], a.v[k / 2], d0, d1, d2);
    u128 sum = (static_cast<u128>(c1) << 64 | c0) + (static_cast<u128>(d1) << 64 | d0);
    c2 += d2 + (sum < (static_cast<u128>(d1) << 64 | d0));
    c0 = static_cast<u64>(sum);
    c1 = static_cast<u64>(sum >> 64);
    for (int i = first; i < (k < kLimbs ? k : kLimbs); ++i) {
      MulAccumulate(q[i], M.m.v[k - i], c0, c1, c2);
    }
    if (k < kLimbs) {
      q[k] = c0 * M.m0inv;
      MulAccumulate(q[k], M.m.v[0], c0, c1, c2);  // clears c0
    } else {
      low.v[k - kLimbs] = c0;
    }
    NextColumn(c0, c1, c2);
  }
  low.v[kLimbs - 1] = c0;
  return ReduceOnce(low, c1, M);
}

constexpr Fe ToMont(const Fe& a, const Modulus& M) { return MontMul(a, M.r2, M); }
constexpr Fe FromMont(const Fe& a, const Modulus& M) { return MontMul(a, Fe{{1}}, M); }

// base^exponent for base in Montgomery form (result in Montgomery form), 4-bit windows.
constexpr Fe MontPow(const Fe& base, const Fe& exponent, const Modulus& M) {
  Fe powers[16];
  powers[0] = M.one;
  for (int i = 1; i < 16; ++i) powers[i] = MontMul(powers[i - 1], base, M);
  Fe acc = M.one;
  for (int nibble = 16 * kLimbs - 1; nibble >= 0; --nibble) {
    for (int k = 0; k < 4; ++k) acc = MontSquare(acc, M);
    unsigned w = static_cast<unsigned>(exponent.v[nibble / 16] >> (4 * (nibble % 16))) & 0xF;
    if (w != 0) acc = MontMul(acc, powers[w], M);
  }
  return acc;
}

// a^-1 by Fermat (m is prime); a in Montgomery form, non-zero.
constexpr Fe MontInverse(const Fe& a, const Modulus& M) {
  Fe m_minus_2;
  SubRaw(m_minus_2, M.m, Fe{{2}});
  return MontPow(a, m_minus_2, M);
}

constexpr Modulus MakeModulus(const Fe& m) {
  Modulus M;
  M.m = m;
  u64 inv = 1;  // Newton's iteration doubles the correct low bits: 1, 2, 4, ... 64
  for (int i = 0; i < 6; ++i) inv *= 2 - m.v[0] * inv;
  M.m0inv = ~inv + 1;
  // 2^383 < m < 2^384, so R mod m = 2^384 - m; doubling that 384 times gives R^2 mod m.
  SubRaw(M.one, Fe{}, m);
  Fe x = M.one;
  for (int i = 0; i < 384; ++i) x = Add(x, x, M);
  M.r2 = x;
  return M;
}

constexpr Fe FromHexLimbs(u64 l5, u64 l4, u64 l3, u64 l2, u64 l1, u64 l0) {
  return Fe{{l0, l1, l2, l3, l4, l5}};
}

// FIPS 186-5 / SP 800-186 §3.2.1.4 (P-384).
constexpr Fe kPrime = FromHexLimbs(0xFFFFFFFFFFFFFFFF, 0xFFFFFFFFFFFFFFFF, 0xFFFFFFFFFFFFFFFF,
                                   0xFFFFFFFFFFFFFFFE, 0xFFFFFFFF00000000, 0x00000000FFFFFFFF);
constexpr Fe kOrder = FromHexLimbs(0xFFFFFFFFFFFFFFFF, 0xFFFFFFFFFFFFFFFF, 0xFFFFFFFFFFFFFFFF,
                                   0xC7634D81F4372DDF, 0x581A0DB248B0A77A, 0xECEC196ACCC52973);
constexpr Fe kCurveB = FromHexLimbs(0xB3312FA7E23EE7E4, 0x988E056BE3F82D19, 0x181D9C6EFE814112,
                                    0x0314088F5013875A, 0xC656398D8A2ED19D, 0x2A85C8EDD3EC2AEF);
constexpr Fe kGx = FromHexLimbs(0xAA87CA22BE8B0537, 0x8EB1C71EF320AD74, 0x6E1D3B628BA79B98,
                                0x59F741E082542A38, 0x5502F25DBF55296C, 0x3A545E3872760AB7);
constexpr Fe kGy = FromHexLimbs(0x3617DE4A96262C6F, 0x5D9E98BF9292DC29, 0xF8F41DBD289A147C,
                                0xE9DA3113B5F0B8C0, 0x0A60B1CE1D7E819D, 0x7A431D7C90EA0E5F);

inline constexpr Modulus kFieldP = MakeModulus(kPrime);
inline constexpr Modulus kGroupN = MakeModulus(kOrder);

// 48 big-endian bytes <-> limbs.
constexpr Fe FromBigEndian(ByteSpan b48) {
  Fe out;
  for (int i = 0; i < 48; ++i) {
    out.v[(47 - i) / 8] |= static_cast<u64>(b48[static_cast<size_t>(i)]) << (8 * ((47 - i) % 8));
  }
  return out;
}

inline Bytes ToBigEndian(const Fe& a) {
  Bytes out(48);
  for (int i = 0; i < 48; ++i) {
    out[static_cast<size_t>(i)] = static_cast<uint8_t>(a.v[(47 - i) / 8] >> (8 * ((47 - i) % 8)));
  }
  return out;
}

}  // namespace c8s::crypto::p384_internal
