// P-384 curve arithmetic behind p384.h, exposed for its tests (differential checks against
// OpenSSL of the group law's special cases, which valid signatures almost never reach).
#pragma once

#include <array>
#include <optional>

#include "lib/crypto/p384.h"
#include "lib/crypto/p384_field.h"

namespace c8s::crypto::p384_internal {

// Field elements in Montgomery form modulo p.
struct Affine {
  Fe x, y;
};
struct Jacobian {  // (X/Z^2, Y/Z^3); Z == 0 is the point at infinity
  Fe x, y, z;
};

// A scalar is split into kParts pieces of kPartBits bits, u = sum u_j 2^(48 j), and each
// piece is multiplied with its own table of 2^(48 j) P: one chain of 48 doublings serves all
// sixteen pieces of u1*G + u2*Q instead of 384 doublings (the key's table, 24 KiB, is built
// once and kept with the cached VCEK chain). Eight pieces verify ~22% faster than four here;
// twelve gain nothing more. Width-7 NAF digits are odd and below 2^6 in magnitude, so each
// table holds B, 3B, ..., 63B for its base B.
constexpr int kWindow = 7;
constexpr int kTableSize = 1 << (kWindow - 2);
constexpr int kParts = 8;
constexpr int kPartBits = 384 / kParts;
struct KeyTable {
  std::array<std::array<Affine, kTableSize>, kParts> odd_multiples;  // [j][i] = (2i+1) 2^(48j) P
};

// The point 04 || X || Y, checked as FromUncompressedPoint checks it.
absl::StatusOr<Affine> DecodePoint(ByteSpan point);
// u1*G + u2*Q for 48-byte big-endian scalars (any value below 2^384), as an uncompressed
// point; nullopt for the point at infinity.
std::optional<Bytes> DoubleScalarMul(ByteSpan u1, const KeyTable& q, ByteSpan u2);
// Whether x(P) mod n == r, for P = (x, y) in the Jacobian form with Z = lambda: the check
// that ends a verification, without the inversion of Z.
bool XModOrderEquals(const Affine& p, const Fe& lambda_mont, const Fe& r);

}  // namespace c8s::crypto::p384_internal
