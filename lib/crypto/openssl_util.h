// RAII ownership of OpenSSL objects and OpenSSL errors as absl::Status.
//
// Only lib/crypto and lib/attest include OpenSSL headers.
//   EvpPkeyPtr key(EVP_PKEY_new());
//   if (EVP_DigestSign(...) != 1) return OpenSslError("sign");
//   -> "sign: error:0480006C:PEM routines::no start line" (the queue is drained)
#pragma once

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>
#include <optional>
#include <string_view>

#include "absl/status/status.h"
#include "lib/base/bytes.h"

namespace c8s::crypto {

template <auto Fn>
struct OpenSslDeleter {
  template <typename T>
  void operator()(T* p) const {
    Fn(p);
  }
};
template <typename T, auto Fn>
using OpenSslPtr = std::unique_ptr<T, OpenSslDeleter<Fn>>;

using EvpPkeyPtr = OpenSslPtr<EVP_PKEY, EVP_PKEY_free>;
using EvpPkeyCtxPtr = OpenSslPtr<EVP_PKEY_CTX, EVP_PKEY_CTX_free>;
using EvpMdCtxPtr = OpenSslPtr<EVP_MD_CTX, EVP_MD_CTX_free>;
using EvpCipherCtxPtr = OpenSslPtr<EVP_CIPHER_CTX, EVP_CIPHER_CTX_free>;
using EvpMacPtr = OpenSslPtr<EVP_MAC, EVP_MAC_free>;
using EvpMacCtxPtr = OpenSslPtr<EVP_MAC_CTX, EVP_MAC_CTX_free>;
using EvpKdfPtr = OpenSslPtr<EVP_KDF, EVP_KDF_free>;
using EvpKdfCtxPtr = OpenSslPtr<EVP_KDF_CTX, EVP_KDF_CTX_free>;
using BioPtr = OpenSslPtr<BIO, BIO_free_all>;
using BignumPtr = OpenSslPtr<BIGNUM, BN_free>;
using EcdsaSigPtr = OpenSslPtr<ECDSA_SIG, ECDSA_SIG_free>;
using X509Ptr = OpenSslPtr<X509, X509_free>;
using X509ReqPtr = OpenSslPtr<X509_REQ, X509_REQ_free>;
using X509CrlPtr = OpenSslPtr<X509_CRL, X509_CRL_free>;
using X509StorePtr = OpenSslPtr<X509_STORE, X509_STORE_free>;
using X509StoreCtxPtr = OpenSslPtr<X509_STORE_CTX, X509_STORE_CTX_free>;
using X509ExtensionPtr = OpenSslPtr<X509_EXTENSION, X509_EXTENSION_free>;
using X509NamePtr = OpenSslPtr<X509_NAME, X509_NAME_free>;
using Asn1ObjectPtr = OpenSslPtr<ASN1_OBJECT, ASN1_OBJECT_free>;
using Asn1OctetStringPtr = OpenSslPtr<ASN1_OCTET_STRING, ASN1_OCTET_STRING_free>;
using Asn1IntegerPtr = OpenSslPtr<ASN1_INTEGER, ASN1_INTEGER_free>;
using Asn1TimePtr = OpenSslPtr<ASN1_TIME, ASN1_TIME_free>;
using GeneralNamesPtr = OpenSslPtr<GENERAL_NAMES, GENERAL_NAMES_free>;
using SslCtxPtr = OpenSslPtr<SSL_CTX, SSL_CTX_free>;
using SslPtr = OpenSslPtr<SSL, SSL_free>;
using OsslParamBldPtr = OpenSslPtr<OSSL_PARAM_BLD, OSSL_PARAM_BLD_free>;

struct X509StackDeleter {
  void operator()(STACK_OF(X509) * s) const { sk_X509_pop_free(s, X509_free); }
};
using X509StackPtr = std::unique_ptr<STACK_OF(X509), X509StackDeleter>;

// Drains OpenSSL's error queue into a Status: "<what>: <openssl error strings>". The code is
// InvalidArgument because almost every OpenSSL failure we see comes from bad input.
absl::Status OpenSslError(std::string_view what);
// Clears the error queue after an expected failure (e.g. trying PEM before DER).
void ClearOpenSslErrors();

// A memory BIO over `data` (read-only) and the contents of a memory BIO.
BioPtr ReadOnlyBio(ByteSpan data);
Bytes BioContents(BIO* bio);

// SHA-1, SHA-256 and SHA-384 fetched from the default provider once. With EVP_sha256() and
// friends OpenSSL 3.0 looks the implementation up again in its method store on every
// digest, signature and HMAC initialisation, several times per issued certificate.
const EVP_MD* Sha1Md();
const EVP_MD* Sha256Md();
const EVP_MD* Sha384Md();

namespace internal {

// The named-curve, uncompressed P-256 SubjectPublicKeyInfo up to the point's 0x04 (RFC
// 5480): 26 bytes, then 0x04 and the 64 bytes of the point.
inline constexpr uint8_t kP256SpkiPrefix[] = {0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a,
                                              0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06,
                                              0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03,
                                              0x01, 0x07, 0x03, 0x42, 0x00};
inline constexpr size_t kP256SpkiSize = sizeof(kP256SpkiPrefix) + 65;

// ec_builtin.cc: EC keys through OpenSSL's built-in EC method (why: see there).
// A SubjectPublicKeyInfo of an EC key as a built-in key, with the bytes it took in
// `consumed`; nullptr (errors cleared) when `der` is not one.
EVP_PKEY* DecodeEcSpkiBuiltin(ByteSpan der, size_t* consumed);
// ECDSA verification with a built-in EC key; nullopt when `key` is not one.
std::optional<bool> VerifyEcdsaBuiltin(EVP_PKEY* key, const EVP_MD* md, ByteSpan message,
                                       ByteSpan signature);
// An ECDSA signature (DER) over `message` with an EC private key, through the built-in
// method; nullopt when `key` is not an EC key.
std::optional<Bytes> SignEcdsaBuiltin(EVP_PKEY* key, const EVP_MD* md, ByteSpan message);

}  // namespace internal
}  // namespace c8s::crypto
