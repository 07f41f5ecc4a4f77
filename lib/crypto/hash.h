// Digests, MACs, HKDF and randomness over OpenSSL's EVP API.
//
//   Bytes d = Sha256(data);                       // 32 bytes
//   std::string s = Sha256Prefixed(data);          // "sha256:<64 hex>", as manifests use
//   Bytes k = HkdfSha256(ikm, salt, AsBytes("c8s/state/v1"), 32).value();
#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "lib/base/bytes.h"

namespace c8s::crypto {

Bytes Sha256(ByteSpan data);
// Only for RFC 5280 §4.2.1.2 key identifiers (SHA-1 of the public key), never for integrity.
Bytes Sha1KeyId(ByteSpan data);
Bytes Sha384(ByteSpan data);
Bytes Sha512(ByteSpan data);
// "sha256:" + lowercase hex of SHA-256(data).
std::string Sha256Prefixed(ByteSpan data);

Bytes HmacSha256(ByteSpan key, ByteSpan data);

// HMAC-SHA256 (RFC 2104) under one key, many messages: the keyed inner and outer hash states
// are computed once, so a MAC costs two short hash finishes instead of OpenSSL's per-call
// algorithm fetch and key schedule (the CDS MACs every join challenge three times).
// Safe to share between threads: Mac() only reads the precomputed states.
//
//   HmacSha256Key k(key);
//   Bytes tag = k.Mac(data);  // == HmacSha256(key, data)
class HmacSha256Key {
 public:
  explicit HmacSha256Key(ByteSpan key);
  HmacSha256Key(HmacSha256Key&&) noexcept;
  HmacSha256Key& operator=(HmacSha256Key&&) noexcept;
  ~HmacSha256Key();

  Bytes Mac(ByteSpan data) const;

 private:
  struct States;
  std::unique_ptr<States> states_;
};
// HKDF (RFC 5869) extract-and-expand with SHA-256.
absl::StatusOr<Bytes> HkdfSha256(ByteSpan ikm, ByteSpan salt, ByteSpan info, size_t length);

// Bytes from OpenSSL's CSPRNG; aborts if the CSPRNG fails (nothing safe can continue).
Bytes RandomBytes(size_t n);

}  // namespace c8s::crypto
