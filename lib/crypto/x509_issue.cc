// Issuing certificates from a CA key (the CDS) and creating self-signed CAs.
#include "lib/base/status.h"
#include "lib/base/strings.h"
#include "lib/crypto/hash.h"
#include "lib/crypto/x509.h"
#include "lib/crypto/x509_internal.h"

namespace c8s::crypto {
namespace {

// Standard extensions from fixed strings (never caller text), with SKI/AKI computed from the
// subject and issuer certificates in `ctx`.
absl::Status AddConfExtension(X509* cert, X509V3_CTX* ctx, int nid, const std::string& value) {
  X509ExtensionPtr ext(X509V3_EXT_conf_nid(nullptr, ctx, nid, value.c_str()));
  if (!ext || X509_add_ext(cert, ext.get(), -1) != 1) {
    return OpenSslError(StrCat("extension ", OBJ_nid2sn(nid), "=", value));
  }
  return absl::OkStatus();
}

absl::Status AddCustomExtension(X509* cert, const CustomExtension& custom) {
  ASSIGN_OR_RETURN(std::shared_ptr<const ASN1_OBJECT> obj, internal::DottedOid(custom.oid));
  if (X509_get_ext_by_OBJ(cert, obj.get(), -1) >= 0) {
    return absl::InvalidArgumentError(StrCat("extension ", custom.oid, " given twice"));
  }
  Asn1OctetStringPtr data(ASN1_OCTET_STRING_new());
  ASN1_OCTET_STRING_set(data.get(), custom.der_value.data(),
                        static_cast<int>(custom.der_value.size()));
  X509ExtensionPtr ext(
      X509_EXTENSION_create_by_OBJ(nullptr, obj.get(), custom.critical ? 1 : 0, data.get()));
  if (!ext || X509_add_ext(cert, ext.get(), -1) != 1) {
    return OpenSslError(StrCat("custom extension ", custom.oid));
  }
  return absl::OkStatus();
}

// RFC 5280 §4.1.2.2: positive, at most 20 octets. 16 CSPRNG bytes with the top bit cleared
// and the next one set, so the encoding is always exactly 16 bytes.
Asn1IntegerPtr RandomSerial() {
  Bytes raw = RandomBytes(16);
  raw[0] = (raw[0] & 0x7f) | 0x40;
  BignumPtr bn(BN_bin2bn(raw.data(), static_cast<int>(raw.size()), nullptr));
  return Asn1IntegerPtr(BN_to_ASN1_INTEGER(bn.get(), nullptr));
}

absl::Status SetValidity(X509* cert, absl::Time not_before, absl::Time not_after) {
  if (not_after <= not_before) {
    return absl::InvalidArgumentError(StrCat("validity: not_after ", absl::FormatTime(not_after),
                                             " is not after not_before ",
                                             absl::FormatTime(not_before)));
  }
  Asn1TimePtr nb(ASN1_TIME_set(nullptr, absl::ToTimeT(not_before)));
  Asn1TimePtr na(ASN1_TIME_set(nullptr, absl::ToTimeT(not_after)));
  if (!nb || !na || X509_set1_notBefore(cert, nb.get()) != 1 ||
      X509_set1_notAfter(cert, na.get()) != 1) {
    return OpenSslError("certificate validity");
  }
  return absl::OkStatus();
}

// Builds and signs one certificate; `issuer` == nullptr means self-signed.
absl::StatusOr<Certificate> Build(const PublicKey& subject_key, const IssueOptions& options,
                                  X509* issuer, const PrivateKey& signer) {
  ASSIGN_OR_RETURN(const EVP_MD* md, internal::SigningDigest(signer));
  X509Ptr cert(X509_new());
  ASSIGN_OR_RETURN(X509NamePtr subject, internal::BuildName(options.subject));
  Asn1IntegerPtr serial = RandomSerial();
  if (!serial || X509_set_version(cert.get(), X509_VERSION_3) != 1 ||
      X509_set_serialNumber(cert.get(), serial.get()) != 1 ||
      X509_set_subject_name(cert.get(), subject.get()) != 1 ||
      X509_set_issuer_name(cert.get(), issuer ? X509_get_subject_name(issuer) : subject.get()) !=
          1) {
    return OpenSslError("build certificate");
  }
  // Fast for the keys issuance sees (CSR keys and our own public keys are built-in EC keys,
  // ec_builtin.cc); a provider key would take OpenSSL 3.0's encode-and-decode round trip.
  if (X509_set_pubkey(cert.get(), subject_key.evp()) != 1) {
    return OpenSslError("build certificate");
  }
  RETURN_IF_ERROR(SetValidity(cert.get(), options.not_before, options.not_after));

  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, issuer ? issuer : cert.get(), cert.get(), nullptr, nullptr, 0);
  std::string basic = options.is_ca ? "critical,CA:TRUE" : "critical,CA:FALSE";
  if (options.is_ca && options.path_len) basic += StrCat(",pathlen:", *options.path_len);
  RETURN_IF_ERROR(AddConfExtension(cert.get(), &ctx, NID_basic_constraints, basic));
  RETURN_IF_ERROR(AddConfExtension(cert.get(), &ctx, NID_key_usage,
                                   options.is_ca ? "critical,digitalSignature,keyCertSign,cRLSign"
                                                 : "critical,digitalSignature"));
  if (!options.is_ca && (options.server_auth || options.client_auth)) {
    std::string eku = options.server_auth ? "serverAuth" : "";
    if (options.client_auth) eku += eku.empty() ? "clientAuth" : ",clientAuth";
    RETURN_IF_ERROR(AddConfExtension(cert.get(), &ctx, NID_ext_key_usage, eku));
  }
  RETURN_IF_ERROR(AddConfExtension(cert.get(), &ctx, NID_subject_key_identifier, "hash"));
  RETURN_IF_ERROR(AddConfExtension(cert.get(), &ctx, NID_authority_key_identifier, "keyid:always"));
  if (!options.sans.empty()) {
    ASSIGN_OR_RETURN(GeneralNamesPtr names, internal::BuildGeneralNames(options.sans));
    if (X509_add1_ext_i2d(cert.get(), NID_subject_alt_name, names.get(), 0, X509V3_ADD_DEFAULT) !=
        1) {
      return OpenSslError("subjectAltName");
    }
  }
  for (const CustomExtension& custom : options.extensions) {
    RETURN_IF_ERROR(AddCustomExtension(cert.get(), custom));
  }
  if (X509_sign(cert.get(), signer.evp(), md) <= 0) return OpenSslError("sign certificate");
  return Certificate::FromX509(cert.get());
}

}  // namespace

IssueOptions LeafOptions(const Name& subject, absl::Time now, absl::Duration lifetime,
                         absl::Duration backdate) {
  IssueOptions options;
  options.subject = subject;
  options.not_before = now - backdate;
  options.not_after = now + lifetime;
  return options;
}

absl::StatusOr<CertificateAuthority> CertificateAuthority::Create(Certificate cert,
                                                                  PrivateKey key) {
  if (!cert.IsCa()) {
    return absl::InvalidArgumentError(
        StrCat("CA certificate ", cert.Subject(), " lacks basicConstraints CA:TRUE"));
  }
  if (X509_check_private_key(cert.x509(), key.evp()) != 1) {
    ClearOpenSslErrors();
    return absl::InvalidArgumentError(
        StrCat("CA key does not match the public key of certificate ", cert.Subject()));
  }
  return CertificateAuthority(std::move(cert), std::move(key));
}

absl::StatusOr<CertificateAuthority> CertificateAuthority::CreateSelfSigned(PrivateKey key,
                                                                            const Name& subject,
                                                                            absl::Time not_before,
                                                                            absl::Time not_after) {
  IssueOptions options;
  options.subject = subject;
  options.not_before = not_before;
  options.not_after = not_after;
  options.is_ca = true;
  options.path_len = 1;  // the cluster CA may delegate once (e.g. to an intermediate per replica)
  ASSIGN_OR_RETURN(Certificate cert, Build(key.GetPublicKey(), options, nullptr, key));
  return CertificateAuthority(std::move(cert), std::move(key));
}

absl::StatusOr<Certificate> CertificateAuthority::Issue(const PublicKey& subject_key,
                                                        const IssueOptions& options) const {
  if (subject_key.type() == KeyType::kX25519 || subject_key.type() == KeyType::kRsa) {
    return absl::InvalidArgumentError(
        StrCat("cannot certify a ", KeyTypeName(subject_key.type()), " key"));
  }
  return Build(subject_key, options, cert_.x509(), key_);
}

absl::StatusOr<Certificate> CertificateAuthority::IssueForRequest(
    const CertificateRequest& csr, const IssueOptions& options) const {
  RETURN_IF_ERROR(csr.VerifySelfSignature());
  return IssueForVerifiedRequest(csr, options);
}

absl::StatusOr<Certificate> CertificateAuthority::IssueForVerifiedRequest(
    const CertificateRequest& csr, const IssueOptions& options) const {
  ASSIGN_OR_RETURN(PublicKey key, csr.GetPublicKey());
  if (key.type() == KeyType::kX25519 || key.type() == KeyType::kRsa) {
    return absl::InvalidArgumentError(StrCat("cannot certify a ", KeyTypeName(key.type()), " key"));
  }
  return Build(key, options, cert_.x509(), key_);
}

}  // namespace c8s::crypto
