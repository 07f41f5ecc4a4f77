// EC public keys held by OpenSSL's built-in EC method rather than by a provider.
//
// OpenSSL 3.0 (Debian bookworm) reads a SubjectPublicKeyInfo through its provider decoder
// framework, which builds a fresh decoder context per key: ~190 us on this machine, and
// X509_set_pubkey on a provider key encodes it and decodes it again (~290 us). The built-in
// EC method that 3.0 still ships does the same in ~20 us and ~7 us, with the same curve
// arithmetic and the same on-curve check. The CDS parses a key and sets one in every
// certificate it issues, so these paths carry the issuance rate. The deprecated EC_KEY
// calls that reach the built-in method are confined to this file.
#define OPENSSL_SUPPRESS_DEPRECATED
#include <optional>

#include "lib/crypto/openssl_util.h"

namespace c8s::crypto::internal {
namespace {

// Wraps an EC_KEY (ownership taken) in an EVP_PKEY held by the built-in method.
EVP_PKEY* WrapBuiltin(EC_KEY* ec) {
  if (ec == nullptr) return nullptr;
  EVP_PKEY* key = EVP_PKEY_new();
  if (key == nullptr || EVP_PKEY_assign_EC_KEY(key, ec) != 1) {
    EVP_PKEY_free(key);
    EC_KEY_free(ec);
    return nullptr;
  }
  return key;
}

}  // namespace

EVP_PKEY* DecodeEcSpkiBuiltin(ByteSpan der, size_t* consumed) {
  const unsigned char* p = der.data();
  EC_KEY* ec = d2i_EC_PUBKEY(nullptr, &p, static_cast<long>(der.size()));
  if (ec == nullptr) {
    ClearOpenSslErrors();  // not an EC key (or malformed): the caller takes the general path
    return nullptr;
  }
  *consumed = static_cast<size_t>(p - der.data());
  return WrapBuiltin(ec);
}

std::optional<bool> VerifyEcdsaBuiltin(EVP_PKEY* key, const EVP_MD* md, ByteSpan message,
                                       ByteSpan signature) {
  if (EVP_PKEY_get0_provider(key) != nullptr || EVP_PKEY_get_base_id(key) != EVP_PKEY_EC) {
    return std::nullopt;
  }
  // EVP_DigestVerify would first export the key to a provider (a new EC_GROUP per call,
  // ~40 us); ECDSA_verify on the built-in key is the same check without it, and like it
  // refuses signatures that are not DER.
  const EC_KEY* ec = EVP_PKEY_get0_EC_KEY(key);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int digest_len = 0;
  if (ec == nullptr ||
      EVP_Digest(message.data(), message.size(), digest, &digest_len, md, nullptr) != 1) {
    ClearOpenSslErrors();
    return false;
  }
  int rc = ECDSA_verify(0, digest, static_cast<int>(digest_len), signature.data(),
                        static_cast<int>(signature.size()), const_cast<EC_KEY*>(ec));
  ClearOpenSslErrors();
  return rc == 1;
}

}  // namespace c8s::crypto::internal
