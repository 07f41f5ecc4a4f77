// HPKE key schedule and encryption contexts (RFC 9180 §5.1-§5.3).
#include <openssl/evp.h>

#include <climits>

#include "lib/base/status.h"
#include "lib/base/strings.h"
#include "lib/crypto/hpke_internal.h"
#include "lib/crypto/openssl_util.h"

namespace c8s::crypto::hpke {
namespace {

constexpr size_t kNonceSize = 12;  // Nn of both AEADs
constexpr size_t kTagSize = 16;    // Nt of both AEADs
constexpr size_t kHashSize = 32;   // Nh of HKDF-SHA256

const EVP_CIPHER* Cipher(Aead aead) {
  return aead == Aead::kAes128Gcm ? EVP_aes_128_gcm() : EVP_chacha20_poly1305();
}

// Sets up `ctx` for one AEAD operation with `key` and `nonce`, and feeds the AAD.
absl::Status AeadInit(EVP_CIPHER_CTX* ctx, bool encrypt, Aead aead, ByteSpan key, ByteSpan nonce,
                      ByteSpan aad) {
  if (aad.size() > INT_MAX) return absl::InvalidArgumentError("hpke: aad too large");
  int len = 0;
  if (EVP_CipherInit_ex(ctx, Cipher(aead), nullptr, nullptr, nullptr, encrypt) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_IVLEN, kNonceSize, nullptr) != 1 ||
      EVP_CipherInit_ex(ctx, nullptr, nullptr, key.data(), nonce.data(), encrypt) != 1 ||
      (!aad.empty() &&
       EVP_CipherUpdate(ctx, nullptr, &len, aad.data(), static_cast<int>(aad.size())) != 1)) {
    return OpenSslError("hpke: aead init");
  }
  return absl::OkStatus();
}

}  // namespace

namespace internal {

absl::StatusOr<Schedule> KeySchedule(Aead aead, Mode mode, ByteSpan shared_secret,
                                     ByteSpan info) {
  const Bytes suite_id = HpkeSuiteId(aead);
  // Modes base and auth use the default (empty) psk and psk_id.
  const Bytes psk_id_hash = LabeledExtract(suite_id, {}, "psk_id_hash", {});
  const Bytes info_hash = LabeledExtract(suite_id, {}, "info_hash", info);
  Schedule s;
  s.key_schedule_context.push_back(static_cast<uint8_t>(mode));
  Append(s.key_schedule_context, psk_id_hash);
  Append(s.key_schedule_context, info_hash);
  s.secret = LabeledExtract(suite_id, shared_secret, "secret", {});
  const size_t key_size = Suite{aead}.KeySize();
  ASSIGN_OR_RETURN(s.key, LabeledExpand(suite_id, s.secret, "key", s.key_schedule_context,
                                        key_size));
  ASSIGN_OR_RETURN(s.base_nonce, LabeledExpand(suite_id, s.secret, "base_nonce",
                                               s.key_schedule_context, kNonceSize));
  ASSIGN_OR_RETURN(s.exporter_secret, LabeledExpand(suite_id, s.secret, "exp",
                                                    s.key_schedule_context, kHashSize));
  return s;
}

Bytes ComputeNonce(ByteSpan base_nonce, uint64_t seq) {
  Bytes nonce(base_nonce.begin(), base_nonce.end());
  for (size_t i = 0; i < 8 && i < nonce.size(); ++i) {
    nonce[nonce.size() - 1 - i] ^= static_cast<uint8_t>(seq >> (8 * i));
  }
  return nonce;
}

}  // namespace internal

Context::Context(Aead aead, Bytes key, Bytes base_nonce, Bytes exporter_secret)
    : aead_(aead),
      key_(std::move(key)),
      base_nonce_(std::move(base_nonce)),
      exporter_secret_(std::move(exporter_secret)) {}

absl::StatusOr<Bytes> Context::Export(ByteSpan exporter_context, size_t length) const {
  return internal::LabeledExpand(internal::HpkeSuiteId(aead_), exporter_secret_, "sec",
                                 exporter_context, length);
}

absl::StatusOr<Bytes> Context::NextNonce() const {
  // §5.2: the sequence number must not wrap; 2^64-1 messages is the practical limit here.
  if (seq_ == UINT64_MAX) {
    return absl::FailedPreconditionError("hpke: message limit reached for this context");
  }
  if (base_nonce_.size() != kNonceSize || key_.size() != Suite{aead_}.KeySize()) {
    return absl::FailedPreconditionError("hpke: context has no valid key and nonce");
  }
  return internal::ComputeNonce(base_nonce_, seq_);
}

absl::StatusOr<Bytes> SenderContext::Seal(ByteSpan aad, ByteSpan plaintext) {
  if (plaintext.size() > INT_MAX - kTagSize) {
    return absl::InvalidArgumentError("hpke seal: plaintext too large");
  }
  ASSIGN_OR_RETURN(Bytes nonce, NextNonce());
  EvpCipherCtxPtr ctx(EVP_CIPHER_CTX_new());
  if (!ctx) return OpenSslError("hpke seal: cipher context");
  RETURN_IF_ERROR(AeadInit(ctx.get(), true, aead_, key_, nonce, aad));
  Bytes out(plaintext.size() + kTagSize);
  int len = 0;
  int final_len = 0;
  if ((!plaintext.empty() && EVP_EncryptUpdate(ctx.get(), out.data(), &len, plaintext.data(),
                                               static_cast<int>(plaintext.size())) != 1) ||
      EVP_EncryptFinal_ex(ctx.get(), out.data() + len, &final_len) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_AEAD_GET_TAG, kTagSize,
                          out.data() + plaintext.size()) != 1) {
    return OpenSslError("hpke seal");
  }
  ++seq_;
  return out;
}

absl::StatusOr<Bytes> RecipientContext::Open(ByteSpan aad, ByteSpan ciphertext) {
  if (ciphertext.size() < kTagSize) {
    return absl::InvalidArgumentError(StrCat("hpke open: ciphertext is ", ciphertext.size(),
                                             " bytes, shorter than the ", kTagSize, "-byte tag"));
  }
  if (ciphertext.size() > INT_MAX) return absl::InvalidArgumentError("hpke open: too large");
  ASSIGN_OR_RETURN(Bytes nonce, NextNonce());
  EvpCipherCtxPtr ctx(EVP_CIPHER_CTX_new());
  if (!ctx) return OpenSslError("hpke open: cipher context");
  RETURN_IF_ERROR(AeadInit(ctx.get(), false, aead_, key_, nonce, aad));
  const size_t body = ciphertext.size() - kTagSize;
  Bytes out(body);
  int len = 0;
  int final_len = 0;
  Bytes tag(ciphertext.begin() + body, ciphertext.end());
  if ((body > 0 && EVP_DecryptUpdate(ctx.get(), out.data(), &len, ciphertext.data(),
                                     static_cast<int>(body)) != 1) ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_AEAD_SET_TAG, kTagSize, tag.data()) != 1 ||
      EVP_DecryptFinal_ex(ctx.get(), out.data() + len, &final_len) != 1) {
    ClearOpenSslErrors();
    return absl::InvalidArgumentError(
        "hpke open: authentication failed (wrong key, info, aad or tampered ciphertext)");
  }
  ++seq_;
  return out;
}

}  // namespace c8s::crypto::hpke
