// DHKEM(X25519, HKDF-SHA256) (RFC 9180 §4.1, §7.1) and the labeled HKDF it is built from.
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cstdio>
#include <cstdlib>

#include "lib/base/status.h"
#include "lib/base/strings.h"
#include "lib/crypto/hash.h"
#include "lib/crypto/hpke_internal.h"
#include "lib/crypto/openssl_util.h"

namespace c8s::crypto::hpke {
namespace internal {
namespace {

constexpr size_t kHashSize = 32;  // Nh of HKDF-SHA256, and Nsecret of the KEM

void AppendU16(Bytes& out, uint16_t v) {
  out.push_back(static_cast<uint8_t>(v >> 8));
  out.push_back(static_cast<uint8_t>(v));
}

Bytes Hmac(ByteSpan key, ByteSpan data) {
  // OpenSSL wants non-null pointers even for the empty salt and data of HPKE's Extract("").
  static const uint8_t kEmpty = 0;
  Bytes out(kHashSize);
  unsigned int len = 0;
  if (HMAC(EVP_sha256(), key.empty() ? &kEmpty : key.data(), static_cast<int>(key.size()),
           data.empty() ? &kEmpty : data.data(), data.size(), out.data(), &len) == nullptr) {
    std::fprintf(stderr, "fatal: HMAC-SHA256 failed\n");
    std::abort();  // HMAC over memory cannot fail short of a broken library
  }
  return out;
}

}  // namespace

Bytes KemSuiteId() {
  Bytes id = ToBytes("KEM");
  AppendU16(id, kKemX25519HkdfSha256);
  return id;
}

Bytes HpkeSuiteId(Aead aead) {
  Bytes id = ToBytes("HPKE");
  AppendU16(id, kKemX25519HkdfSha256);
  AppendU16(id, kKdfHkdfSha256);
  AppendU16(id, static_cast<uint16_t>(aead));
  return id;
}

Bytes LabeledExtract(ByteSpan suite_id, ByteSpan salt, std::string_view label, ByteSpan ikm) {
  Bytes labeled_ikm = ToBytes("HPKE-v1");
  Append(labeled_ikm, suite_id);
  Append(labeled_ikm, label);
  Append(labeled_ikm, ikm);
  return Hmac(salt, labeled_ikm);
}

absl::StatusOr<Bytes> LabeledExpand(ByteSpan suite_id, ByteSpan prk, std::string_view label,
                                    ByteSpan info, size_t length) {
  if (length > 255 * kHashSize) {
    return absl::InvalidArgumentError(
        StrCat("hpke: cannot expand ", length, " bytes (at most ", 255 * kHashSize, ")"));
  }
  Bytes labeled_info;
  AppendU16(labeled_info, static_cast<uint16_t>(length));
  Append(labeled_info, AsBytes("HPKE-v1"));
  Append(labeled_info, suite_id);
  Append(labeled_info, label);
  Append(labeled_info, info);
  // HKDF-Expand (RFC 5869 §2.3): T(i) = HMAC(prk, T(i-1) || info || i).
  Bytes out;
  Bytes block;
  for (uint8_t i = 1; out.size() < length; ++i) {
    Bytes input = block;
    Append(input, labeled_info);
    input.push_back(i);
    block = Hmac(prk, input);
    Append(out, block);
  }
  out.resize(length);
  return out;
}

absl::Status CheckKeySize(ByteSpan key, std::string_view what) {
  if (key.size() == kX25519KeySize) return absl::OkStatus();
  return absl::InvalidArgumentError(
      StrCat("hpke: ", what, " must be ", kX25519KeySize, " bytes, got ", key.size()));
}

absl::StatusOr<Bytes> X25519(ByteSpan private_key, ByteSpan public_key, std::string_view what) {
  EvpPkeyPtr sk(EVP_PKEY_new_raw_private_key(EVP_PKEY_X25519, nullptr, private_key.data(),
                                             private_key.size()));
  EvpPkeyPtr pk(EVP_PKEY_new_raw_public_key(EVP_PKEY_X25519, nullptr, public_key.data(),
                                            public_key.size()));
  if (!sk || !pk) return OpenSslError(StrCat("hpke: X25519 key import (", what, ")"));
  EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new(sk.get(), nullptr));
  Bytes shared(kX25519KeySize);
  size_t len = shared.size();
  // OpenSSL refuses an all-zero result, which RFC 9180 §7.1.4 requires us to reject.
  if (!ctx || EVP_PKEY_derive_init(ctx.get()) != 1 ||
      EVP_PKEY_derive_set_peer(ctx.get(), pk.get()) != 1 ||
      EVP_PKEY_derive(ctx.get(), shared.data(), &len) != 1 || len != kX25519KeySize) {
    ClearOpenSslErrors();
    return absl::InvalidArgumentError(
        StrCat("hpke: X25519 with the ", what, " failed (low-order or invalid public key)"));
  }
  return shared;
}

namespace {

// ExtractAndExpand of §4.1.
absl::StatusOr<Bytes> ExtractAndExpand(ByteSpan dh, ByteSpan kem_context) {
  const Bytes suite_id = KemSuiteId();
  const Bytes eae_prk = LabeledExtract(suite_id, {}, "eae_prk", dh);
  return LabeledExpand(suite_id, eae_prk, "shared_secret", kem_context, kHashSize);
}

}  // namespace

absl::StatusOr<Encapsulation> Encap(Mode mode, ByteSpan recipient_public,
                                    ByteSpan ephemeral_private, ByteSpan sender_private) {
  RETURN_IF_ERROR(CheckKeySize(recipient_public, "recipient public key"));
  RETURN_IF_ERROR(CheckKeySize(ephemeral_private, "ephemeral private key"));
  ASSIGN_OR_RETURN(Bytes enc, PublicKeyFromPrivate(ephemeral_private));
  ASSIGN_OR_RETURN(Bytes dh, X25519(ephemeral_private, recipient_public, "recipient public key"));
  Bytes kem_context = enc;
  Append(kem_context, recipient_public);
  if (mode == Mode::kAuth) {
    RETURN_IF_ERROR(CheckKeySize(sender_private, "sender private key"));
    ASSIGN_OR_RETURN(Bytes dh_s, X25519(sender_private, recipient_public, "recipient public key"));
    Append(dh, dh_s);
    ASSIGN_OR_RETURN(Bytes sender_public, PublicKeyFromPrivate(sender_private));
    Append(kem_context, sender_public);
  }
  ASSIGN_OR_RETURN(Bytes shared_secret, ExtractAndExpand(dh, kem_context));
  return Encapsulation{std::move(shared_secret), std::move(enc)};
}

absl::StatusOr<Bytes> Decap(Mode mode, ByteSpan enc, ByteSpan recipient_private,
                            ByteSpan sender_public) {
  RETURN_IF_ERROR(CheckKeySize(enc, "enc"));
  RETURN_IF_ERROR(CheckKeySize(recipient_private, "recipient private key"));
  ASSIGN_OR_RETURN(Bytes dh, X25519(recipient_private, enc, "encapsulated key (enc)"));
  ASSIGN_OR_RETURN(Bytes recipient_public, PublicKeyFromPrivate(recipient_private));
  Bytes kem_context(enc.begin(), enc.end());
  Append(kem_context, recipient_public);
  if (mode == Mode::kAuth) {
    RETURN_IF_ERROR(CheckKeySize(sender_public, "sender public key"));
    ASSIGN_OR_RETURN(Bytes dh_s, X25519(recipient_private, sender_public, "sender public key"));
    Append(dh, dh_s);
    Append(kem_context, sender_public);
  }
  return ExtractAndExpand(dh, kem_context);
}

}  // namespace internal

absl::StatusOr<Bytes> PublicKeyFromPrivate(ByteSpan private_key) {
  RETURN_IF_ERROR(internal::CheckKeySize(private_key, "private key"));
  EvpPkeyPtr sk(EVP_PKEY_new_raw_private_key(EVP_PKEY_X25519, nullptr, private_key.data(),
                                             private_key.size()));
  Bytes pub(kX25519KeySize);
  size_t len = pub.size();
  if (!sk || EVP_PKEY_get_raw_public_key(sk.get(), pub.data(), &len) != 1 ||
      len != kX25519KeySize) {
    return OpenSslError("hpke: X25519 public key");
  }
  return pub;
}

absl::StatusOr<KeyPair> DeriveKeyPair(ByteSpan ikm) {
  // §7.1.3 for X25519: the expanded bytes are the private key as is (clamping happens inside
  // X25519), so no rejection sampling is needed.
  const Bytes suite_id = internal::KemSuiteId();
  const Bytes dkp_prk = internal::LabeledExtract(suite_id, {}, "dkp_prk", ikm);
  ASSIGN_OR_RETURN(Bytes sk, internal::LabeledExpand(suite_id, dkp_prk, "sk", {}, kX25519KeySize));
  ASSIGN_OR_RETURN(Bytes pk, PublicKeyFromPrivate(sk));
  return KeyPair{std::move(sk), std::move(pk)};
}

KeyPair GenerateKeyPair() {
  Bytes sk = RandomBytes(kX25519KeySize);
  auto pk = PublicKeyFromPrivate(sk);
  if (!pk.ok()) {
    std::fprintf(stderr, "fatal: X25519 public key of a random scalar failed\n");
    std::abort();  // every 32-byte string is a valid X25519 private key
  }
  return KeyPair{std::move(sk), *std::move(pk)};
}

}  // namespace c8s::crypto::hpke
