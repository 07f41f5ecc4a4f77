// AES-256-GCM with a random 96-bit nonce, for data at rest (the CDS's encrypted state blobs).
// Output layout: nonce (12) || ciphertext || tag (16). The AAD binds a blob to its name.
//
//   ASSIGN_OR_RETURN(Bytes box, AesGcmSeal(key32, AsBytes("state"), plaintext));
//   ASSIGN_OR_RETURN(Bytes pt, AesGcmOpen(key32, AsBytes("state"), box));
//   // tampered, truncated or wrong key/AAD: InvalidArgument "aes-256-gcm: authentication failed"
#pragma once

#include "absl/status/statusor.h"
#include "lib/base/bytes.h"

namespace c8s::crypto {

inline constexpr size_t kAesGcmNonceSize = 12;
inline constexpr size_t kAesGcmTagSize = 16;

// `key` must be 32 bytes. A fresh random nonce per call (random nonces are safe well below
// 2^32 messages per key, far above what a CDS writes).
absl::StatusOr<Bytes> AesGcmSeal(ByteSpan key, ByteSpan aad, ByteSpan plaintext);
absl::StatusOr<Bytes> AesGcmOpen(ByteSpan key, ByteSpan aad, ByteSpan sealed);

}  // namespace c8s::crypto
