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
#include <algorithm>
#include <iterator>
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

// d2i_EC_PUBKEY builds the curve anew for every key (EC_GROUP_new_by_curve_name: ~25 us of
// Montgomery set-up); a copy of one prepared group is the same group for a fraction of that.
EC_KEY* DecodeP256Point(ByteSpan point) {
  static const EC_GROUP* p256 = EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1);
  EC_KEY* ec = EC_KEY_new();
  // oct2key checks that the point is on the curve, as d2i_EC_PUBKEY does.
  if (ec == nullptr || p256 == nullptr || EC_KEY_set_group(ec, p256) != 1 ||
      EC_KEY_oct2key(ec, point.data(), point.size(), nullptr) != 1) {
    EC_KEY_free(ec);
    return nullptr;
  }
  return ec;
}

}  // namespace

EVP_PKEY* DecodeEcSpkiBuiltin(ByteSpan der, size_t* consumed) {
  if (der.size() >= kP256SpkiSize &&
      std::equal(std::begin(kP256SpkiPrefix), std::end(kP256SpkiPrefix), der.begin()) &&
      der[sizeof(kP256SpkiPrefix)] == 0x04) {
    EC_KEY* ec = DecodeP256Point(der.subspan(sizeof(kP256SpkiPrefix), 65));
    if (ec == nullptr) {
      ClearOpenSslErrors();
      return nullptr;  // not on the curve: the general path reports it
    }
    *consumed = kP256SpkiSize;
    return WrapBuiltin(ec);
  }
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

std::optional<Bytes> SignEcdsaBuiltin(EVP_PKEY* key, const EVP_MD* md, ByteSpan message) {
  if (EVP_PKEY_get_base_id(key) != EVP_PKEY_EC || md == nullptr) return std::nullopt;
  // EVP_DigestSignInit would fetch the signature method, build a provider context and check
  // the key on every call; ECDSA_sign is the same signing code (constant-time scalar
  // multiplication, nonce from the private DRBG) on the EC_KEY OpenSSL caches for a
  // provider key.
  const EC_KEY* ec = EVP_PKEY_get0_EC_KEY(key);
  if (ec == nullptr) {
    ClearOpenSslErrors();
    return std::nullopt;
  }
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int digest_len = 0;
  Bytes signature(static_cast<size_t>(ECDSA_size(ec)));
  unsigned int signature_len = 0;
  if (EVP_Digest(message.data(), message.size(), digest, &digest_len, md, nullptr) != 1 ||
      ECDSA_sign(0, digest, static_cast<int>(digest_len), signature.data(), &signature_len,
                 const_cast<EC_KEY*>(ec)) != 1) {
    return Bytes();  // the caller reports OpenSSL's error
  }
  signature.resize(signature_len);
  return signature;
}

}  // namespace c8s::crypto::internal
