// HPKE (RFC 9180) with DHKEM(X25519, HKDF-SHA256), HKDF-SHA256 and AES-128-GCM or
// ChaCha20-Poly1305, in base and auth modes: owner-sealed secrets, recovery envelopes and
// encrypted ingress bodies (ARCHITECTURE.md §4). Keys are raw 32-byte X25519 values.
//
//   ASSIGN_OR_RETURN(hpke::Suite suite, hpke::Suite::Parse("X25519-HKDF-SHA256/AES-128-GCM"));
//   ASSIGN_OR_RETURN(hpke::Sealed box, hpke::Seal(suite, recipient_pk, info, aad, plaintext));
//   ASSIGN_OR_RETURN(Bytes pt, hpke::Open(suite, sk, box.enc, info, aad, box.ciphertext));
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "lib/base/bytes.h"

namespace c8s::crypto {
class PrivateKey;
class PublicKey;
}  // namespace c8s::crypto

namespace c8s::crypto::hpke {

inline constexpr uint16_t kKemX25519HkdfSha256 = 0x0020;
inline constexpr uint16_t kKdfHkdfSha256 = 0x0001;
inline constexpr size_t kX25519KeySize = 32;  // Nsk = Npk = Nenc

enum class Aead : uint16_t { kAes128Gcm = 0x0001, kChaCha20Poly1305 = 0x0003 };
enum class Mode : uint8_t { kBase = 0x00, kAuth = 0x02 };

// The KEM and KDF are fixed; the suite chooses the AEAD.
struct Suite {
  Aead aead = Aead::kAes128Gcm;

  // "X25519-HKDF-SHA256/AES-128-GCM" or "X25519-HKDF-SHA256/ChaCha20-Poly1305", as manifests
  // name suites.
  static absl::StatusOr<Suite> Parse(std::string_view name);
  std::string Name() const;
  size_t KeySize() const;  // Nk: 16 or 32
  bool operator==(const Suite&) const = default;
};

struct KeyPair {
  Bytes private_key;  // 32 bytes
  Bytes public_key;   // 32 bytes
};
// A fresh X25519 key pair from OpenSSL's CSPRNG.
KeyPair GenerateKeyPair();
// RFC 9180 §7.1.3 DeriveKeyPair for X25519: deterministic keys from input keying material.
absl::StatusOr<KeyPair> DeriveKeyPair(ByteSpan ikm);
// The X25519 public key of a raw private key.
absl::StatusOr<Bytes> PublicKeyFromPrivate(ByteSpan private_key);

// Encryption context shared by both sides: the AEAD key, base nonce, exporter secret and the
// sequence number of the next message.
class Context {
 public:
  Context(Aead aead, Bytes key, Bytes base_nonce, Bytes exporter_secret);

  // RFC 9180 §5.3: exporter_context -> `length` bytes (at most 255 * 32).
  absl::StatusOr<Bytes> Export(ByteSpan exporter_context, size_t length) const;
  uint64_t sequence() const { return seq_; }

 protected:
  // base_nonce XOR I2OSP(seq, Nn); fails once the sequence number would wrap.
  absl::StatusOr<Bytes> NextNonce() const;

  Aead aead_;
  Bytes key_;
  Bytes base_nonce_;
  Bytes exporter_secret_;
  uint64_t seq_ = 0;
};

class SenderContext : public Context {
 public:
  using Context::Context;
  // Encrypts one message and advances the sequence number.
  absl::StatusOr<Bytes> Seal(ByteSpan aad, ByteSpan plaintext);
};

class RecipientContext : public Context {
 public:
  using Context::Context;
  // Decrypts the next message; the sequence number advances only on success.
  absl::StatusOr<Bytes> Open(ByteSpan aad, ByteSpan ciphertext);
};

struct SenderSetup {
  Bytes enc;  // the encapsulated ephemeral public key, 32 bytes
  SenderContext context;
};

absl::StatusOr<SenderSetup> SetupBaseSender(const Suite& suite, ByteSpan recipient_public,
                                            ByteSpan info);
absl::StatusOr<SenderSetup> SetupAuthSender(const Suite& suite, ByteSpan recipient_public,
                                            ByteSpan info, ByteSpan sender_private);
absl::StatusOr<RecipientContext> SetupBaseRecipient(const Suite& suite, ByteSpan enc,
                                                    ByteSpan recipient_private, ByteSpan info);
absl::StatusOr<RecipientContext> SetupAuthRecipient(const Suite& suite, ByteSpan enc,
                                                    ByteSpan recipient_private, ByteSpan info,
                                                    ByteSpan sender_public);

// Single-shot encryption (RFC 9180 §6.1). Auth mode is a separate function rather than an
// optional key so that a missing sender key can never silently downgrade to base mode.
struct Sealed {
  Bytes enc;
  Bytes ciphertext;
};
absl::StatusOr<Sealed> Seal(const Suite& suite, ByteSpan recipient_public, ByteSpan info,
                            ByteSpan aad, ByteSpan plaintext);
absl::StatusOr<Sealed> SealAuth(const Suite& suite, ByteSpan recipient_public, ByteSpan info,
                                ByteSpan aad, ByteSpan plaintext, ByteSpan sender_private);
absl::StatusOr<Bytes> Open(const Suite& suite, ByteSpan recipient_private, ByteSpan enc,
                           ByteSpan info, ByteSpan aad, ByteSpan ciphertext);
absl::StatusOr<Bytes> OpenAuth(const Suite& suite, ByteSpan recipient_private, ByteSpan enc,
                               ByteSpan info, ByteSpan aad, ByteSpan ciphertext,
                               ByteSpan sender_public);

// The same with X25519 keys held as PublicKey/PrivateKey (keys.h), e.g. a recovery key from a
// manifest's PEM; any other key type is refused by name.
absl::StatusOr<Sealed> Seal(const Suite& suite, const PublicKey& recipient, ByteSpan info,
                            ByteSpan aad, ByteSpan plaintext);
absl::StatusOr<Sealed> SealAuth(const Suite& suite, const PublicKey& recipient, ByteSpan info,
                                ByteSpan aad, ByteSpan plaintext, const PrivateKey& sender);
absl::StatusOr<Bytes> Open(const Suite& suite, const PrivateKey& recipient, ByteSpan enc,
                           ByteSpan info, ByteSpan aad, ByteSpan ciphertext);
absl::StatusOr<Bytes> OpenAuth(const Suite& suite, const PrivateKey& recipient, ByteSpan enc,
                               ByteSpan info, ByteSpan aad, ByteSpan ciphertext,
                               const PublicKey& sender);

}  // namespace c8s::crypto::hpke
