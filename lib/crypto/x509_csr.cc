// PKCS#10 certificate requests (RFC 2986): node agents create them for their in-memory keys,
// the CDS parses them and checks proof of possession before issuing.
//
// The outer layers are walked here with the strict DER reader; the subject, the key and the
// extensions go to OpenSSL's parsers. d2i_X509_REQ is not used for parsing because OpenSSL
// 3.0 decodes the request's key with a freshly built provider decoder context (~190 us, the
// largest cost of an issuance); PublicKey::FromSpkiDer takes the built-in EC method.
#include <mutex>
#include <optional>

#include "lib/base/status.h"
#include "lib/base/strings.h"
#include "lib/crypto/der.h"
#include "lib/crypto/x509.h"
#include "lib/crypto/x509_internal.h"

namespace c8s::crypto {

struct CertificateRequest::Parsed {
  Bytes der;   // the whole request, as received
  Bytes info;  // CertificationRequestInfo, the signed bytes
  Bytes subject_der;
  // The subject as OpenSSL parses it, only for Subject()/CommonName(): the CDS names what
  // it issues itself, and d2i_X509_NAME (with its canonical re-encoding) is a tenth of
  // the cost of taking a request in.
  mutable std::once_flag subject_once;
  mutable std::shared_ptr<X509_NAME> subject;
  const X509_NAME* Subject() const;
  Bytes spki;  // SubjectPublicKeyInfo, as encoded
  std::optional<PublicKey> key;
  Bytes attributes;                 // contents of [0] attributes
  std::string signature_algorithm;  // dotted OID
  Bytes signature;
};

namespace {

constexpr std::string_view kEcdsaSha256 = "1.2.840.10045.4.3.2";
constexpr std::string_view kEcdsaSha384 = "1.2.840.10045.4.3.3";
constexpr std::string_view kEd25519 = "1.3.101.112";
constexpr std::string_view kExtensionRequest = "1.2.840.113549.1.9.14";

absl::Status CsrError(std::string_view what) {
  return absl::InvalidArgumentError(StrCat("parse DER certificate request: ", what));
}

absl::StatusOr<DerTlv> Expect(ByteSpan& in, uint8_t tag, std::string_view what) {
  absl::StatusOr<DerTlv> t = NextDerTlv(in, StrCat("parse DER certificate request: ", what));
  if (!t.ok()) return t.status();
  if (t->tag != tag) return CsrError(StrCat(what, ": unexpected DER tag ", int{t->tag}));
  return t;
}

Bytes Copy(ByteSpan s) { return Bytes(s.begin(), s.end()); }

// Name ::= SEQUENCE OF RelativeDistinguishedName; RDN ::= SET SIZE (1..MAX) OF
// AttributeTypeAndValue ::= SEQUENCE { type OBJECT IDENTIFIER, value ANY }.
absl::Status CheckName(ByteSpan rdns) {
  while (!rdns.empty()) {
    ASSIGN_OR_RETURN(DerTlv rdn, Expect(rdns, kDerSet, "subject RDN"));
    ByteSpan attributes = rdn.value;
    if (attributes.empty()) return CsrError("subject RDN: empty SET");
    while (!attributes.empty()) {
      ASSIGN_OR_RETURN(DerTlv attribute, Expect(attributes, kDerSequence, "subject attribute"));
      ByteSpan body = attribute.value;
      RETURN_IF_ERROR(Expect(body, kDerOid, "subject attribute type").status());
      RETURN_IF_ERROR(NextDerTlv(body, "parse DER certificate request: subject value").status());
      if (!body.empty()) return CsrError("subject attribute: trailing bytes");
    }
  }
  return absl::OkStatus();
}

// CertificationRequestInfo ::= SEQUENCE { version INTEGER (v1 = 0), subject Name,
//   subjectPKInfo SubjectPublicKeyInfo, attributes [0] IMPLICIT SET OF Attribute }
absl::Status ParseInfo(ByteSpan info, CertificateRequest::Parsed& out) {
  ASSIGN_OR_RETURN(DerTlv version, Expect(info, kDerInteger, "version"));
  if (version.value.size() != 1 || version.value[0] != 0) return CsrError("version: want v1 (0)");
  ASSIGN_OR_RETURN(DerTlv subject, Expect(info, kDerSequence, "subject"));
  RETURN_IF_ERROR(CheckName(subject.value));
  out.subject_der = Copy(subject.whole);
  ASSIGN_OR_RETURN(DerTlv spki, Expect(info, kDerSequence, "subjectPKInfo"));
  absl::StatusOr<PublicKey> key = PublicKey::FromSpkiDer(spki.whole);
  if (!key.ok()) return Annotate(key.status(), "parse DER certificate request: subjectPKInfo");
  out.spki = Copy(spki.whole);
  out.key = std::move(*key);
  if (!info.empty()) {
    ASSIGN_OR_RETURN(DerTlv attributes, Expect(info, 0xa0, "attributes"));
    out.attributes = Copy(attributes.value);
  }
  if (!info.empty()) return CsrError("trailing bytes after the attributes");
  return absl::OkStatus();
}

// The extensionRequest attribute's Extensions, if the request has one.
absl::StatusOr<std::optional<Bytes>> ExtensionRequest(ByteSpan attributes) {
  std::optional<Bytes> found;
  while (!attributes.empty()) {
    ASSIGN_OR_RETURN(DerTlv attribute, Expect(attributes, kDerSequence, "attribute"));
    ByteSpan body = attribute.value;
    ASSIGN_OR_RETURN(DerTlv type, Expect(body, kDerOid, "attribute type"));
    ASSIGN_OR_RETURN(DerTlv values, Expect(body, kDerSet, "attribute values"));
    if (!body.empty()) return CsrError("attribute: trailing bytes");
    if (DerOidText(type.value) != kExtensionRequest) continue;
    if (found.has_value()) return CsrError("extensionRequest given twice");
    ByteSpan set = values.value;
    ASSIGN_OR_RETURN(DerTlv extensions, Expect(set, kDerSequence, "extensionRequest"));
    if (!set.empty()) return CsrError("extensionRequest: more than one value");
    found = Copy(extensions.whole);
  }
  return found;
}

std::string_view SignatureAlgorithmFor(KeyType type) {
  switch (type) {
    case KeyType::kP256:
      return kEcdsaSha256;
    case KeyType::kP384:
      return kEcdsaSha384;
    case KeyType::kEd25519:
      return kEd25519;
    default:
      return "";
  }
}

}  // namespace

absl::StatusOr<CertificateRequest> CertificateRequest::Create(const PrivateKey& key,
                                                              const Name& subject,
                                                              const SubjectAltNames& sans) {
  ASSIGN_OR_RETURN(const EVP_MD* md, internal::SigningDigest(key));
  X509ReqPtr req(X509_REQ_new());
  ASSIGN_OR_RETURN(X509NamePtr name, internal::BuildName(subject));
  if (X509_REQ_set_version(req.get(), 0) != 1 ||
      X509_REQ_set_subject_name(req.get(), name.get()) != 1 ||
      X509_REQ_set_pubkey(req.get(), key.evp()) != 1) {
    return OpenSslError("build CSR");
  }
  if (!sans.empty()) {
    ASSIGN_OR_RETURN(GeneralNamesPtr names, internal::BuildGeneralNames(sans));
    X509_EXTENSIONS* exts = sk_X509_EXTENSION_new_null();
    X509_EXTENSION* ext = X509V3_EXT_i2d(NID_subject_alt_name, 0, names.get());
    bool ok = ext != nullptr && sk_X509_EXTENSION_push(exts, ext) > 0 &&
              X509_REQ_add_extensions(req.get(), exts) == 1;
    sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
    if (!ok) return OpenSslError("CSR subjectAltName");
  }
  if (X509_REQ_sign(req.get(), key.evp(), md) <= 0) return OpenSslError("sign CSR");
  unsigned char* out = nullptr;
  int len = i2d_X509_REQ(req.get(), &out);
  Bytes der = internal::DerOf(len, out);
  if (der.empty()) return OpenSslError("encode CSR");
  return FromDer(der);
}

absl::StatusOr<CertificateRequest> CertificateRequest::FromPem(std::string_view pem) {
  BioPtr bio = ReadOnlyBio(AsBytes(pem));
  char* name = nullptr;
  char* header = nullptr;
  unsigned char* data = nullptr;
  long len = 0;
  if (PEM_read_bio(bio.get(), &name, &header, &data, &len) != 1) {
    return OpenSslError("parse PEM certificate request");
  }
  std::string_view type = name;
  Bytes der(data, data + len);
  bool request = type == "CERTIFICATE REQUEST" || type == "NEW CERTIFICATE REQUEST";
  std::string got(type);
  OPENSSL_free(name);
  OPENSSL_free(header);
  OPENSSL_free(data);
  if (!request) {
    return absl::InvalidArgumentError(
        StrCat("parse PEM certificate request: a ", got, " block, not a CERTIFICATE REQUEST"));
  }
  return FromDer(der);
}

// CertificationRequest ::= SEQUENCE { certificationRequestInfo, signatureAlgorithm
//   AlgorithmIdentifier, signature BIT STRING }
absl::StatusOr<CertificateRequest> CertificateRequest::FromDer(ByteSpan der) {
  ByteSpan in = der;
  ASSIGN_OR_RETURN(DerTlv outer, Expect(in, kDerSequence, "request"));
  if (!in.empty()) return CsrError("trailing bytes");
  auto parsed = std::make_shared<Parsed>();
  ByteSpan body = outer.value;
  ASSIGN_OR_RETURN(DerTlv info, Expect(body, kDerSequence, "certificationRequestInfo"));
  ASSIGN_OR_RETURN(DerTlv algorithm, Expect(body, kDerSequence, "signatureAlgorithm"));
  ASSIGN_OR_RETURN(DerTlv signature, Expect(body, kDerBitString, "signature"));
  if (!body.empty()) return CsrError("trailing bytes after the signature");
  RETURN_IF_ERROR(ParseInfo(info.value, *parsed));
  ByteSpan alg = algorithm.value;
  ASSIGN_OR_RETURN(DerTlv oid, Expect(alg, kDerOid, "signatureAlgorithm"));
  // ECDSA and Ed25519 identifiers carry no parameters (RFC 5758 §3.2, RFC 8410 §3).
  if (!alg.empty()) return CsrError("signatureAlgorithm: unexpected parameters");
  if (signature.value.empty() || signature.value[0] != 0) {
    return CsrError("signature: a BIT STRING with unused bits");
  }
  parsed->der = Copy(der);
  parsed->info = Copy(info.whole);
  parsed->signature_algorithm = DerOidText(oid.value);
  parsed->signature = Copy(signature.value.subspan(1));
  return CertificateRequest(std::move(parsed));
}

std::string CertificateRequest::ToPem() const {
  BioPtr bio(BIO_new(BIO_s_mem()));
  PEM_write_bio(bio.get(), "CERTIFICATE REQUEST", "", p_->der.data(),
                static_cast<long>(p_->der.size()));
  return ToString(BioContents(bio.get()));
}

Bytes CertificateRequest::ToDer() const { return p_->der; }

const X509_NAME* CertificateRequest::Parsed::Subject() const {
  std::call_once(subject_once, [this] {
    const unsigned char* p = subject_der.data();
    X509_NAME* name = d2i_X509_NAME(nullptr, &p, static_cast<long>(subject_der.size()));
    if (name == nullptr) {
      ClearOpenSslErrors();  // shown as an empty subject; nothing is issued from it
      name = X509_NAME_new();
    }
    subject = std::shared_ptr<X509_NAME>(name, X509_NAME_free);
  });
  return subject.get();
}

std::string CertificateRequest::Subject() const { return internal::NameToString(p_->Subject()); }

std::string CertificateRequest::CommonName() const {
  return internal::CommonNameOf(p_->Subject());
}

absl::StatusOr<PublicKey> CertificateRequest::GetPublicKey() const { return *p_->key; }

absl::StatusOr<SubjectAltNames> CertificateRequest::Sans() const {
  ASSIGN_OR_RETURN(std::optional<Bytes> der, ExtensionRequest(p_->attributes));
  if (!der.has_value()) return SubjectAltNames{};
  const unsigned char* p = der->data();
  X509_EXTENSIONS* exts = d2i_X509_EXTENSIONS(nullptr, &p, static_cast<long>(der->size()));
  if (exts == nullptr) return OpenSslError("CSR: extensionRequest");
  int crit = 0;
  auto* names =
      static_cast<GENERAL_NAMES*>(X509V3_get_d2i(exts, NID_subject_alt_name, &crit, nullptr));
  sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
  if (names == nullptr) {
    if (crit == -1) return SubjectAltNames{};
    ClearOpenSslErrors();
    return absl::InvalidArgumentError("CSR: malformed or repeated subjectAltName");
  }
  GeneralNamesPtr owned(names);
  return internal::ParseGeneralNames(names);
}

Bytes CertificateRequest::SpkiDer() const { return p_->spki; }

absl::Status CertificateRequest::VerifySelfSignature() const {
  std::string_view want = SignatureAlgorithmFor(p_->key->type());
  if (want.empty()) {
    return absl::PermissionDeniedError(
        StrCat("CSR key is ", KeyTypeName(p_->key->type()),
               ": no proof of possession c8s accepts (P-256, P-384 or Ed25519)"));
  }
  if (p_->signature_algorithm != want) {
    return absl::PermissionDeniedError(StrCat("CSR signature algorithm ", p_->signature_algorithm,
                                              " does not match its ", KeyTypeName(p_->key->type()),
                                              " key (want ", want, "): no proof of possession"));
  }
  if (!p_->key->Verify(p_->info, p_->signature).ok()) {
    return absl::PermissionDeniedError(
        StrCat("CSR signature does not verify with its own public key (subject ", Subject(),
               "): no proof of possession"));
  }
  return absl::OkStatus();
}

}  // namespace c8s::crypto
