// ECDSA P-384 signature verification (FIPS 186-5 §6.4.2, SEC 1 v2 §4.1.4) for public inputs.
//
// Every node join verifies one P-384 signature: the SEV-SNP report's, made by the chip's
// VCEK. OpenSSL 3.0 runs P-384 on its generic BIGNUM curve code (~1.3 ms on the CI machine
// kind); this is a dedicated implementation that the tests check against OpenSSL: 6-limb
// Montgomery arithmetic, Jacobian points, and each scalar split into eight 48-bit pieces
// (width-7 NAF) over precomputed affine tables of 2^(48j) G and 2^(48j) Q, so that one
// verification runs 48 doublings instead of 384. About 0.12-0.25 ms on the CI machine kind,
// 5-6x OpenSSL. Key, digest and
// signature are public, so nothing here is constant-time: never use it for signing or key
// agreement.
//
//   ASSIGN_OR_RETURN(P384VerifyingKey key, P384VerifyingKey::FromUncompressedPoint(point));
//   RETURN_IF_ERROR(key.VerifyDigest(Sha384(message), r_be48, s_be48));
#pragma once

#include <memory>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "lib/base/bytes.h"

namespace c8s::crypto {

namespace p384_internal {
struct KeyTable;
}

class P384VerifyingKey {
 public:
  static constexpr size_t kPointSize = 97;  // 04 || X || Y
  static constexpr size_t kScalarSize = 48;

  // A SEC 1 uncompressed point; refuses other encodings, coordinates >= p and points that are
  // not on the curve (the curve has cofactor 1, so that is the whole public-key check).
  // Builds the key's tables (12 KB, ~1.2 ms here: about four verifications), so it pays only
  // for a key that verifies several times — as a chip's VCEK does, kept in the chain cache.
  static absl::StatusOr<P384VerifyingKey> FromUncompressedPoint(ByteSpan point);

  // `r` and `s` are 48-byte big-endian integers; the leftmost 384 bits of `digest` are used
  // (SEC 1 §4.1.3 step 5). Errors name the check that failed.
  absl::Status VerifyDigest(ByteSpan digest, ByteSpan r, ByteSpan s) const;

  const p384_internal::KeyTable& table() const { return *table_; }

 private:
  explicit P384VerifyingKey(std::shared_ptr<const p384_internal::KeyTable> table)
      : table_(std::move(table)) {}
  std::shared_ptr<const p384_internal::KeyTable> table_;
};

}  // namespace c8s::crypto
