#include "lib/crypto/aes_gcm.h"

#include <openssl/evp.h>

#include "lib/base/status.h"
#include "lib/base/strings.h"
#include "lib/crypto/hash.h"
#include "lib/crypto/openssl_util.h"

namespace c8s::crypto {
namespace {

absl::Status Init(EVP_CIPHER_CTX* ctx, bool encrypt, ByteSpan key, ByteSpan nonce, ByteSpan aad) {
  if (key.size() != 32) {
    return absl::InvalidArgumentError(
        StrCat("aes-256-gcm: key is ", key.size(), " bytes, want 32"));
  }
  int len = 0;
  if (EVP_CipherInit_ex(ctx, EVP_aes_256_gcm(), nullptr, nullptr, nullptr, encrypt) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_IVLEN, kAesGcmNonceSize, nullptr) != 1 ||
      EVP_CipherInit_ex(ctx, nullptr, nullptr, key.data(), nonce.data(), encrypt) != 1 ||
      (!aad.empty() &&
       EVP_CipherUpdate(ctx, nullptr, &len, aad.data(), static_cast<int>(aad.size())) != 1)) {
    return OpenSslError("aes-256-gcm init");
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<Bytes> AesGcmSeal(ByteSpan key, ByteSpan aad, ByteSpan plaintext) {
  EvpCipherCtxPtr ctx(EVP_CIPHER_CTX_new());
  if (!ctx) return OpenSslError("EVP_CIPHER_CTX_new");
  Bytes out = RandomBytes(kAesGcmNonceSize);
  RETURN_IF_ERROR(Init(ctx.get(), true, key, out, aad));
  size_t off = out.size();
  out.resize(off + plaintext.size() + kAesGcmTagSize);
  int len = 0;
  if (!plaintext.empty() && EVP_EncryptUpdate(ctx.get(), out.data() + off, &len, plaintext.data(),
                                              static_cast<int>(plaintext.size())) != 1) {
    return OpenSslError("aes-256-gcm encrypt");
  }
  int fin = 0;
  if (EVP_EncryptFinal_ex(ctx.get(), out.data() + off + len, &fin) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_AEAD_GET_TAG, kAesGcmTagSize,
                          out.data() + off + plaintext.size()) != 1) {
    return OpenSslError("aes-256-gcm tag");
  }
  return out;
}

absl::StatusOr<Bytes> AesGcmOpen(ByteSpan key, ByteSpan aad, ByteSpan sealed) {
  if (sealed.size() < kAesGcmNonceSize + kAesGcmTagSize) {
    return absl::InvalidArgumentError(StrCat("aes-256-gcm: sealed data is ", sealed.size(),
                                             " bytes, shorter than nonce and tag (28)"));
  }
  EvpCipherCtxPtr ctx(EVP_CIPHER_CTX_new());
  if (!ctx) return OpenSslError("EVP_CIPHER_CTX_new");
  RETURN_IF_ERROR(Init(ctx.get(), false, key, sealed.subspan(0, kAesGcmNonceSize), aad));
  ByteSpan body = sealed.subspan(kAesGcmNonceSize, sealed.size() - kAesGcmNonceSize -
                                                       kAesGcmTagSize);
  Bytes tag(sealed.end() - kAesGcmTagSize, sealed.end());
  Bytes out(body.size() + 16);
  int len = 0;
  if (!body.empty() && EVP_DecryptUpdate(ctx.get(), out.data(), &len, body.data(),
                                         static_cast<int>(body.size())) != 1) {
    return OpenSslError("aes-256-gcm decrypt");
  }
  int fin = 0;
  if (EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_AEAD_SET_TAG, kAesGcmTagSize, tag.data()) != 1 ||
      EVP_DecryptFinal_ex(ctx.get(), out.data() + len, &fin) != 1) {
    return absl::InvalidArgumentError("aes-256-gcm: authentication failed");
  }
  out.resize(static_cast<size_t>(len + fin));
  return out;
}

}  // namespace c8s::crypto
