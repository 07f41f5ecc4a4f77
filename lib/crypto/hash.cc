#include "lib/crypto/hash.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/rand.h>

#include <algorithm>
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

namespace {

constexpr size_t kSha256Block = 64;

[[noreturn]] void HashFailed(const char* what) {
  // Hashing memory cannot fail short of a broken library or exhausted memory.
  std::fprintf(stderr, "fatal: %s failed\n", what);
  std::abort();
}

// A SHA-256 state that has absorbed `block` (one 64-byte block).
EvpMdCtxPtr AbsorbedBlock(const uint8_t* block) {
  EvpMdCtxPtr ctx(EVP_MD_CTX_new());
  if (!ctx || EVP_DigestInit_ex(ctx.get(), Sha256Md(), nullptr) != 1 ||
      EVP_DigestUpdate(ctx.get(), block, kSha256Block) != 1) {
    HashFailed("HMAC key schedule");
  }
  return ctx;
}

// Continues a copy of `state` with `data` and returns the digest.
void FinishFrom(const EVP_MD_CTX* state, const uint8_t* data, size_t size, uint8_t* out) {
  EvpMdCtxPtr ctx(EVP_MD_CTX_new());
  unsigned int len = 0;
  if (!ctx || EVP_MD_CTX_copy_ex(ctx.get(), state) != 1 ||
      EVP_DigestUpdate(ctx.get(), data, size) != 1 ||
      EVP_DigestFinal_ex(ctx.get(), out, &len) != 1) {
    HashFailed("HMAC");
  }
}

}  // namespace

struct HmacSha256Key::States {
  EvpMdCtxPtr inner, outer;
};

HmacSha256Key::HmacSha256Key(ByteSpan key) : states_(std::make_unique<States>()) {
  uint8_t k[kSha256Block] = {};
  if (key.size() > kSha256Block) {
    Bytes d = Sha256(key);
    std::copy(d.begin(), d.end(), k);
  } else {
    std::copy(key.begin(), key.end(), k);
  }
  uint8_t pad[kSha256Block];
  for (size_t i = 0; i < kSha256Block; ++i) pad[i] = k[i] ^ 0x36;
  states_->inner = AbsorbedBlock(pad);
  for (size_t i = 0; i < kSha256Block; ++i) pad[i] = k[i] ^ 0x5c;
  states_->outer = AbsorbedBlock(pad);
  OPENSSL_cleanse(k, sizeof k);
  OPENSSL_cleanse(pad, sizeof pad);
}

HmacSha256Key::HmacSha256Key(HmacSha256Key&&) noexcept = default;
HmacSha256Key& HmacSha256Key::operator=(HmacSha256Key&&) noexcept = default;
HmacSha256Key::~HmacSha256Key() = default;

Bytes HmacSha256Key::Mac(ByteSpan data) const {
  uint8_t inner[32];
  FinishFrom(states_->inner.get(), data.data(), data.size(), inner);
  Bytes out(32);
  FinishFrom(states_->outer.get(), inner, sizeof inner, out.data());
  return out;
}

Bytes HmacSha256(ByteSpan key, ByteSpan data) { return HmacSha256Key(key).Mac(data); }

absl::StatusOr<Bytes> HkdfSha256(ByteSpan ikm, ByteSpan salt, ByteSpan info, size_t length) {
  EvpKdfPtr kdf(EVP_KDF_fetch(nullptr, "HKDF", nullptr));
  if (!kdf) return OpenSslError("hkdf: fetch");
  EvpKdfCtxPtr ctx(EVP_KDF_CTX_new(kdf.get()));
  char digest[] = "SHA256";
  OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, digest, 0),
                         OSSL_PARAM_construct_octet_string(
                             OSSL_KDF_PARAM_KEY, const_cast<uint8_t*>(ikm.data()), ikm.size()),
                         OSSL_PARAM_construct_octet_string(
                             OSSL_KDF_PARAM_SALT, const_cast<uint8_t*>(salt.data()), salt.size()),
                         OSSL_PARAM_construct_octet_string(
                             OSSL_KDF_PARAM_INFO, const_cast<uint8_t*>(info.data()), info.size()),
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
