#include "lib/crypto/keys.h"

#include <openssl/core_names.h>
#include <openssl/objects.h>

#include <cstdio>
#include <cstdlib>

#include "lib/base/status.h"
#include "lib/base/strings.h"
#include "lib/crypto/openssl_util.h"

namespace c8s::crypto {
namespace {

std::shared_ptr<EVP_PKEY> Share(EVP_PKEY* key) { return {key, EVP_PKEY_free}; }

// Only the curves and algorithms of ARCHITECTURE.md §4 are accepted, so that a key of an
// unexpected type fails at load time instead of at first use.
absl::StatusOr<KeyType> TypeOf(EVP_PKEY* key) {
  switch (EVP_PKEY_get_base_id(key)) {
    case EVP_PKEY_ED25519:
      return KeyType::kEd25519;
    case EVP_PKEY_X25519:
      return KeyType::kX25519;
    case EVP_PKEY_RSA:
    case EVP_PKEY_RSA_PSS:
      return KeyType::kRsa;
    case EVP_PKEY_EC: {
      char group[64] = {0};
      size_t len = 0;
      if (EVP_PKEY_get_group_name(key, group, sizeof(group), &len) != 1) {
        return OpenSslError("EC key without a named curve");
      }
      int nid = OBJ_sn2nid(group);
      if (nid == NID_undef) nid = EC_curve_nist2nid(group);
      if (nid == NID_X9_62_prime256v1) return KeyType::kP256;
      if (nid == NID_secp384r1) return KeyType::kP384;
      return absl::InvalidArgumentError(
          StrCat("unsupported EC curve ", group, " (want P-256 or P-384)"));
    }
    default:
      return absl::InvalidArgumentError(
          StrCat("unsupported key algorithm ", OBJ_nid2sn(EVP_PKEY_get_base_id(key))));
  }
}

// The digest each key type signs with; nullptr means "the algorithm hashes itself" (Ed25519).
absl::StatusOr<const EVP_MD*> DigestFor(KeyType type, std::string_view operation) {
  switch (type) {
    case KeyType::kP256:
      return Sha256Md();
    case KeyType::kP384:
      return Sha384Md();
    case KeyType::kEd25519:
      return nullptr;
    case KeyType::kX25519:
    case KeyType::kRsa:
      break;
  }
  return absl::InvalidArgumentError(
      StrCat(operation, ": ", KeyTypeName(type), " keys cannot be used for this operation"));
}

}  // namespace

std::string_view KeyTypeName(KeyType type) {
  switch (type) {
    case KeyType::kP256:
      return "P-256";
    case KeyType::kP384:
      return "P-384";
    case KeyType::kEd25519:
      return "Ed25519";
    case KeyType::kX25519:
      return "X25519";
    case KeyType::kRsa:
      return "RSA";
  }
  return "unknown";
}

absl::StatusOr<PublicKey> PublicKey::FromEvp(EVP_PKEY* key) {
  if (key == nullptr) return absl::InvalidArgumentError("null public key");
  std::shared_ptr<EVP_PKEY> owned = Share(key);
  ASSIGN_OR_RETURN(KeyType type, TypeOf(key));
  return PublicKey(std::move(owned), type);
}

absl::StatusOr<PublicKey> PublicKey::FromPem(std::string_view pem) {
  BioPtr bio = ReadOnlyBio(AsBytes(pem));
  EVP_PKEY* key = PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr);
  if (key == nullptr) return OpenSslError("parse PEM public key");
  return FromEvp(key);
}

absl::StatusOr<PublicKey> PublicKey::FromSpkiDer(ByteSpan der) {
  size_t consumed = 0;
  EVP_PKEY* key = internal::DecodeEcSpkiBuiltin(der, &consumed);  // EC: the fast path
  if (key == nullptr) {
    const unsigned char* p = der.data();
    key = d2i_PUBKEY(nullptr, &p, static_cast<long>(der.size()));
    if (key == nullptr) return OpenSslError("parse DER SubjectPublicKeyInfo");
    consumed = static_cast<size_t>(p - der.data());
  }
  if (consumed != der.size()) {
    EVP_PKEY_free(key);
    return absl::InvalidArgumentError("parse DER SubjectPublicKeyInfo: trailing bytes");
  }
  return FromEvp(key);
}

absl::StatusOr<PublicKey> PublicKey::FromRawX25519(ByteSpan raw) {
  if (raw.size() != 32) {
    return absl::InvalidArgumentError(
        StrCat("X25519 public key: got ", raw.size(), " bytes, want 32"));
  }
  EVP_PKEY* key = EVP_PKEY_new_raw_public_key(EVP_PKEY_X25519, nullptr, raw.data(), raw.size());
  if (key == nullptr) return OpenSslError("X25519 public key");
  return FromEvp(key);
}

Bytes PublicKey::SpkiDer() const {
  unsigned char* out = nullptr;
  int len = i2d_PUBKEY(key_.get(), &out);
  if (len <= 0) return {};
  Bytes der(out, out + len);
  OPENSSL_free(out);
  return der;
}

std::string PublicKey::ToPem() const {
  BioPtr bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_PUBKEY(bio.get(), key_.get());
  return ToString(BioContents(bio.get()));
}

absl::StatusOr<Bytes> PublicKey::RawBytes() const {
  if (type_ != KeyType::kX25519 && type_ != KeyType::kEd25519) {
    return absl::InvalidArgumentError(
        StrCat("raw public key bytes exist only for X25519/Ed25519, not ", KeyTypeName(type_)));
  }
  Bytes raw(32);
  size_t len = raw.size();
  if (EVP_PKEY_get_raw_public_key(key_.get(), raw.data(), &len) != 1) {
    return OpenSslError("raw public key");
  }
  raw.resize(len);
  return raw;
}

absl::Status PublicKey::Verify(ByteSpan message, ByteSpan signature) const {
  ASSIGN_OR_RETURN(const EVP_MD* md, DigestFor(type_, "verify"));
  int rc = 0;
  if (std::optional<bool> builtin =
          internal::VerifyEcdsaBuiltin(key_.get(), md, message, signature)) {
    rc = *builtin ? 1 : 0;
  } else {
    EvpMdCtxPtr ctx(EVP_MD_CTX_new());
    if (EVP_DigestVerifyInit(ctx.get(), nullptr, md, nullptr, key_.get()) != 1) {
      return OpenSslError("verify init");
    }
    rc = EVP_DigestVerify(ctx.get(), signature.data(), signature.size(), message.data(),
                          message.size());
  }
  if (rc == 1) return absl::OkStatus();
  ClearOpenSslErrors();
  return absl::InvalidArgumentError(StrCat(KeyTypeName(type_), " signature verification failed",
                                           rc < 0 ? " (malformed signature)" : "", " over ",
                                           message.size(), "-byte message"));
}

absl::StatusOr<PrivateKey> PrivateKey::Generate(KeyType type) {
  EVP_PKEY* key = nullptr;
  switch (type) {
    case KeyType::kP256:
      key = EVP_EC_gen("P-256");
      break;
    case KeyType::kP384:
      key = EVP_EC_gen("P-384");
      break;
    case KeyType::kEd25519:
      key = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
      break;
    case KeyType::kX25519:
      key = EVP_PKEY_Q_keygen(nullptr, nullptr, "X25519");
      break;
    case KeyType::kRsa:
      return absl::InvalidArgumentError("c8s never generates RSA keys (only verifies with them)");
  }
  if (key == nullptr) return OpenSslError(StrCat("generate ", KeyTypeName(type), " key"));
  return PrivateKey(Share(key), type);
}

absl::StatusOr<PrivateKey> PrivateKey::FromEvp(EVP_PKEY* key) {
  if (key == nullptr) return absl::InvalidArgumentError("null private key");
  std::shared_ptr<EVP_PKEY> owned = Share(key);
  ASSIGN_OR_RETURN(KeyType type, TypeOf(key));
  return PrivateKey(std::move(owned), type);
}

absl::StatusOr<PrivateKey> PrivateKey::FromPem(std::string_view pem) {
  BioPtr bio = ReadOnlyBio(AsBytes(pem));
  EVP_PKEY* key = PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr);
  if (key == nullptr) return OpenSslError("parse PEM private key");
  return FromEvp(key);
}

absl::StatusOr<PrivateKey> PrivateKey::FromDer(ByteSpan der) {
  const unsigned char* p = der.data();
  EVP_PKEY* key = d2i_AutoPrivateKey(nullptr, &p, static_cast<long>(der.size()));
  if (key == nullptr) return OpenSslError("parse DER private key");
  return FromEvp(key);
}

absl::StatusOr<PrivateKey> PrivateKey::FromRawX25519(ByteSpan raw) {
  if (raw.size() != 32) {
    return absl::InvalidArgumentError(
        StrCat("X25519 private key: got ", raw.size(), " bytes, want 32"));
  }
  EVP_PKEY* key = EVP_PKEY_new_raw_private_key(EVP_PKEY_X25519, nullptr, raw.data(), raw.size());
  if (key == nullptr) return OpenSslError("X25519 private key");
  return FromEvp(key);
}

std::string PrivateKey::ToPem() const {
  BioPtr bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_PrivateKey(bio.get(), key_.get(), nullptr, nullptr, 0, nullptr, nullptr);
  return ToString(BioContents(bio.get()));
}

Bytes PrivateKey::ToDer() const {
  PKCS8_PRIV_KEY_INFO* info = EVP_PKEY2PKCS8(key_.get());
  if (info == nullptr) return {};
  unsigned char* out = nullptr;
  int len = i2d_PKCS8_PRIV_KEY_INFO(info, &out);
  PKCS8_PRIV_KEY_INFO_free(info);
  if (len <= 0) return {};
  Bytes der(out, out + len);
  OPENSSL_clear_free(out, len);
  return der;
}

PublicKey PrivateKey::GetPublicKey() const {
  // A public-only copy, so that a PublicKey handed around never carries the private scalar.
  unsigned char* out = nullptr;
  int len = i2d_PUBKEY(key_.get(), &out);
  size_t consumed = 0;
  EVP_PKEY* pub = len > 0 ? internal::DecodeEcSpkiBuiltin(ByteSpan(out, len), &consumed) : nullptr;
  const unsigned char* p = out;
  if (pub == nullptr && len > 0) pub = d2i_PUBKEY(nullptr, &p, len);
  OPENSSL_free(out);
  if (pub == nullptr) {
    // Every key type we load or generate has an SPKI form; failing here is memory exhaustion
    // or an OpenSSL bug, and no caller could continue safely.
    std::fprintf(stderr, "c8s: cannot extract the public half of a %s key\n",
                 std::string(KeyTypeName(type_)).c_str());
    std::abort();
  }
  return PublicKey(Share(pub), type_);
}

absl::StatusOr<Bytes> PrivateKey::Sign(ByteSpan message) const {
  ASSIGN_OR_RETURN(const EVP_MD* md, DigestFor(type_, "sign"));
  if (std::optional<Bytes> builtin = internal::SignEcdsaBuiltin(key_.get(), md, message)) {
    if (builtin->empty()) return OpenSslError("sign");
    return *std::move(builtin);
  }
  EvpMdCtxPtr ctx(EVP_MD_CTX_new());
  if (EVP_DigestSignInit(ctx.get(), nullptr, md, nullptr, key_.get()) != 1) {
    return OpenSslError("sign init");
  }
  size_t len = 0;
  if (EVP_DigestSign(ctx.get(), nullptr, &len, message.data(), message.size()) != 1) {
    return OpenSslError("sign (size)");
  }
  Bytes sig(len);
  if (EVP_DigestSign(ctx.get(), sig.data(), &len, message.data(), message.size()) != 1) {
    return OpenSslError("sign");
  }
  sig.resize(len);
  return sig;
}

absl::StatusOr<Bytes> PrivateKey::RawBytes() const {
  if (type_ != KeyType::kX25519 && type_ != KeyType::kEd25519) {
    return absl::InvalidArgumentError(
        StrCat("raw private key bytes exist only for X25519/Ed25519, not ", KeyTypeName(type_)));
  }
  Bytes raw(32);
  size_t len = raw.size();
  if (EVP_PKEY_get_raw_private_key(key_.get(), raw.data(), &len) != 1) {
    return OpenSslError("raw private key");
  }
  raw.resize(len);
  return raw;
}

}  // namespace c8s::crypto
