#include "lib/crypto/hash.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/kdf.h>
#include <openssl/rand.h>

#include <cstdio>
#include <cstdlib>

#include "lib/crypto/openssl_util.h"

namespace c8s::crypto {
namespace {

Bytes Digest(const EVP_MD* md, ByteSpan data) {
  Bytes out(EVP_MD_get_size(md));
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), out.data(), &len, md, nullptr) != 1) {
    // Digests over memory cannot fail short of a broken library.
    std::fprintf(stderr, "fatal: EVP_Digest failed\n");
    std::abort();
  }
  return out;
}

}  // namespace

Bytes Sha256(ByteSpan data) { return Digest(Sha256Md(), data); }
Bytes Sha1KeyId(ByteSpan data) { return Digest(Sha1Md(), data); }
Bytes Sha384(ByteSpan data) { return Digest(Sha384Md(), data); }
Bytes Sha512(ByteSpan data) { return Digest(EVP_sha512(), data); }

std::string Sha256Prefixed(ByteSpan data) { return "sha256:" + HexEncode(Sha256(data)); }

Bytes HmacSha256(ByteSpan key, ByteSpan data) {
  Bytes out(32);
  unsigned int len = 0;
  if (HMAC(Sha256Md(), key.data(), static_cast<int>(key.size()), data.data(), data.size(),
           out.data(), &len) == nullptr) {
    std::fprintf(stderr, "fatal: HMAC failed\n");
    std::abort();
  }
  return out;
}

absl::StatusOr<Bytes> HkdfSha256(ByteSpan ikm, ByteSpan salt, ByteSpan info, size_t length) {
  EvpKdfPtr kdf(EVP_KDF_fetch(nullptr, "HKDF", nullptr));
  if (!kdf) return OpenSslError("hkdf: fetch");
  EvpKdfCtxPtr ctx(EVP_KDF_CTX_new(kdf.get()));
  char digest[] = "SHA256";
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, digest, 0),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, const_cast<uint8_t*>(ikm.data()),
                                        ikm.size()),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, const_cast<uint8_t*>(salt.data()),
                                        salt.size()),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, const_cast<uint8_t*>(info.data()),
                                        info.size()),
      OSSL_PARAM_construct_end()};
  Bytes out(length);
  if (EVP_KDF_derive(ctx.get(), out.data(), out.size(), params) != 1) {
    return OpenSslError("hkdf: derive");
  }
  return out;
}

Bytes RandomBytes(size_t n) {
  Bytes out(n);
  if (n > 0 && RAND_bytes(out.data(), static_cast<int>(n)) != 1) {
    std::fprintf(stderr, "fatal: CSPRNG failure\n");
    std::abort();
  }
  return out;
}

}  // namespace c8s::crypto
