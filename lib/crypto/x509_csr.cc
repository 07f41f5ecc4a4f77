// PKCS#10 certificate requests: node agents create them for their in-memory keys, the CDS
// parses them and checks proof of possession before issuing.
#include "lib/base/status.h"
#include "lib/base/strings.h"
#include "lib/crypto/x509.h"
#include "lib/crypto/x509_internal.h"

namespace c8s::crypto {
namespace {

std::shared_ptr<X509_REQ> Own(X509_REQ* req) { return {req, X509_REQ_free}; }

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
  return CertificateRequest(Own(req.release()));
}

absl::StatusOr<CertificateRequest> CertificateRequest::FromPem(std::string_view pem) {
  BioPtr bio = ReadOnlyBio(AsBytes(pem));
  X509_REQ* req = PEM_read_bio_X509_REQ(bio.get(), nullptr, nullptr, nullptr);
  if (req == nullptr) return OpenSslError("parse PEM certificate request");
  return CertificateRequest(Own(req));
}

absl::StatusOr<CertificateRequest> CertificateRequest::FromDer(ByteSpan der) {
  const unsigned char* p = der.data();
  X509_REQ* req = d2i_X509_REQ(nullptr, &p, static_cast<long>(der.size()));
  if (req == nullptr) return OpenSslError("parse DER certificate request");
  if (p != der.data() + der.size()) {
    X509_REQ_free(req);
    return absl::InvalidArgumentError("parse DER certificate request: trailing bytes");
  }
  return CertificateRequest(Own(req));
}

std::string CertificateRequest::ToPem() const {
  BioPtr bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_X509_REQ(bio.get(), req_.get());
  return ToString(BioContents(bio.get()));
}

Bytes CertificateRequest::ToDer() const {
  unsigned char* out = nullptr;
  int len = i2d_X509_REQ(req_.get(), &out);
  return internal::DerOf(len, out);
}

std::string CertificateRequest::Subject() const {
  return internal::NameToString(X509_REQ_get_subject_name(req_.get()));
}

std::string CertificateRequest::CommonName() const {
  return internal::CommonNameOf(X509_REQ_get_subject_name(req_.get()));
}

absl::StatusOr<PublicKey> CertificateRequest::GetPublicKey() const {
  EVP_PKEY* key = X509_REQ_get_pubkey(req_.get());
  if (key == nullptr) return OpenSslError("CSR public key");
  return PublicKey::FromEvp(key);
}

absl::StatusOr<SubjectAltNames> CertificateRequest::Sans() const {
  X509_EXTENSIONS* exts = X509_REQ_get_extensions(req_.get());
  if (exts == nullptr) {
    ClearOpenSslErrors();
    return SubjectAltNames{};
  }
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

Bytes CertificateRequest::SpkiDer() const {
  // The decoded X509_PUBKEY keeps algorithm and key bits; encoding it needs no provider.
  X509_PUBKEY* spki = X509_REQ_get_X509_PUBKEY(req_.get());
  unsigned char* out = nullptr;
  int len = spki ? i2d_X509_PUBKEY(spki, &out) : -1;
  if (len <= 0) return {};
  Bytes der(out, out + len);
  OPENSSL_free(out);
  return der;
}

absl::Status CertificateRequest::VerifySelfSignature() const {
  EVP_PKEY* key = X509_REQ_get0_pubkey(req_.get());
  if (key == nullptr) return OpenSslError("CSR public key");
  if (X509_REQ_verify(req_.get(), key) != 1) {
    ClearOpenSslErrors();
    return absl::PermissionDeniedError(
        StrCat("CSR signature does not verify with its own public key (subject ", Subject(),
               "): no proof of possession"));
  }
  return absl::OkStatus();
}

}  // namespace c8s::crypto
