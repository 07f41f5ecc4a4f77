// Asymmetric keys for every c8s role (see ARCHITECTURE.md §4 "Key types"):
// ECDSA P-256 (certificates, owner signing), P-384 (verifying SEV-SNP reports), Ed25519 (owner
// signing) and X25519 (HPKE recovery and sealing keys).
//
//   ASSIGN_OR_RETURN(PrivateKey key, PrivateKey::Generate(KeyType::kP256));
//   ASSIGN_OR_RETURN(Bytes sig, key.Sign(AsBytes(message)));      // DER ECDSA / raw Ed25519
//   RETURN_IF_ERROR(key.GetPublicKey().Verify(AsBytes(message), sig));
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "lib/base/bytes.h"

typedef struct evp_pkey_st EVP_PKEY;

namespace c8s::crypto {

enum class KeyType { kP256, kP384, kEd25519, kX25519, kRsa };

// "P-256", "P-384", "Ed25519", "X25519", "RSA".
std::string_view KeyTypeName(KeyType type);

class PublicKey {
 public:
  // PEM "PUBLIC KEY" (SubjectPublicKeyInfo) or DER SPKI.
  static absl::StatusOr<PublicKey> FromPem(std::string_view pem);
  static absl::StatusOr<PublicKey> FromSpkiDer(ByteSpan der);
  // Takes ownership of one reference to an OpenSSL key (e.g. from X509_get_pubkey); the key is
  // freed on error too, so the caller never frees it.
  static absl::StatusOr<PublicKey> FromEvp(EVP_PKEY* key);
  // Raw 32-byte X25519 public key (HPKE encapsulated keys and recipients).
  static absl::StatusOr<PublicKey> FromRawX25519(ByteSpan raw);

  KeyType type() const { return type_; }
  Bytes SpkiDer() const;
  std::string ToPem() const;
  // For X25519 and Ed25519: the raw 32 bytes.
  absl::StatusOr<Bytes> RawBytes() const;

  // ECDSA: `signature` is DER over SHA-256 (P-256) or SHA-384 (P-384) of `message`.
  // Ed25519: pure Ed25519 over `message`. Errors say which check failed.
  absl::Status Verify(ByteSpan message, ByteSpan signature) const;

  EVP_PKEY* evp() const { return key_.get(); }

 private:
  friend class PrivateKey;
  PublicKey(std::shared_ptr<EVP_PKEY> key, KeyType type) : key_(std::move(key)), type_(type) {}
  std::shared_ptr<EVP_PKEY> key_;
  KeyType type_;
};

class PrivateKey {
 public:
  static absl::StatusOr<PrivateKey> Generate(KeyType type);
  // PEM PKCS#8 ("PRIVATE KEY") or traditional EC PEM; DER PKCS#8.
  static absl::StatusOr<PrivateKey> FromPem(std::string_view pem);
  static absl::StatusOr<PrivateKey> FromDer(ByteSpan der);
  // Raw 32-byte X25519 private key (HPKE test vectors, derived keys).
  static absl::StatusOr<PrivateKey> FromRawX25519(ByteSpan raw);
  // Takes ownership of one reference to an OpenSSL key, as PublicKey::FromEvp.
  static absl::StatusOr<PrivateKey> FromEvp(EVP_PKEY* key);

  KeyType type() const { return type_; }
  std::string ToPem() const;  // PKCS#8
  Bytes ToDer() const;        // PKCS#8
  PublicKey GetPublicKey() const;
  // For X25519 and Ed25519: the raw 32-byte private key (HPKE takes raw keys).
  absl::StatusOr<Bytes> RawBytes() const;

  // ECDSA P-256/SHA-256, P-384/SHA-384 (DER signature) or Ed25519 (64 raw bytes).
  absl::StatusOr<Bytes> Sign(ByteSpan message) const;

  EVP_PKEY* evp() const { return key_.get(); }

 private:
  PrivateKey(std::shared_ptr<EVP_PKEY> key, KeyType type) : key_(std::move(key)), type_(type) {}
  std::shared_ptr<EVP_PKEY> key_;
  KeyType type_;
};

// ECDSA signature conversions: DER <-> fixed-width big-endian r||s (each `width` bytes: 32 for
// P-256, 48 for P-384). Used where formats carry raw signatures (SEV-SNP reports, TDX quotes).
absl::StatusOr<Bytes> EcdsaDerToRaw(ByteSpan der, size_t width);
absl::StatusOr<Bytes> EcdsaRawToDer(ByteSpan raw);

}  // namespace c8s::crypto
