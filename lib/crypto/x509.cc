#include "lib/crypto/x509.h"

#include <openssl/err.h>
#include <openssl/objects.h>

#include <cstdio>
#include <cstdlib>
#include <mutex>

#include "lib/base/status.h"
#include "lib/base/strings.h"
#include "lib/crypto/hash.h"
#include "lib/crypto/x509_internal.h"

namespace c8s::crypto {
namespace {

std::shared_ptr<X509> Own(X509* cert) { return {cert, X509_free}; }

bool LooksLikePem(ByteSpan data) {
  return AsChars(data).find("-----BEGIN") != std::string_view::npos;
}

}  // namespace

struct Certificate::Issued {
  Bytes der;
  std::string serial_hex;
  absl::Time not_before;
  absl::Time not_after;
  mutable std::once_flag parse_once;
  mutable std::shared_ptr<X509> parsed;
};

Certificate Certificate::FromIssued(Bytes der, std::string serial_hex, absl::Time not_before,
                                    absl::Time not_after) {
  auto issued = std::make_shared<Issued>();
  issued->der = std::move(der);
  issued->serial_hex = std::move(serial_hex);
  issued->not_before = not_before;
  issued->not_after = not_after;
  return Certificate(std::shared_ptr<const Issued>(std::move(issued)));
}

X509* Certificate::x509() const {
  if (cert_ != nullptr) return cert_.get();
  std::call_once(issued_->parse_once, [this] {
    const unsigned char* p = issued_->der.data();
    X509* cert = d2i_X509(nullptr, &p, static_cast<long>(issued_->der.size()));
    if (cert == nullptr) {
      // Our own encoder's output (x509_tbs.cc), which tests and a fuzzer parse back: a
      // failure here is a bug in this process, not input to refuse.
      std::fprintf(stderr, "fatal: a certificate this process issued does not parse: %s\n",
                   OpenSslError("d2i_X509").ToString().c_str());
      std::abort();
    }
    issued_->parsed = Own(cert);
  });
  return issued_->parsed.get();
}

absl::StatusOr<Certificate> Certificate::FromDer(ByteSpan der) {
  const unsigned char* p = der.data();
  X509* cert = d2i_X509(nullptr, &p, static_cast<long>(der.size()));
  if (cert == nullptr) return OpenSslError("parse DER certificate");
  if (p != der.data() + der.size()) {
    X509_free(cert);
    return absl::InvalidArgumentError(
        StrCat("parse DER certificate: ", der.data() + der.size() - p, " trailing bytes"));
  }
  return Certificate(Own(cert));
}

absl::StatusOr<Certificate> Certificate::FromPem(std::string_view pem) {
  ASSIGN_OR_RETURN(std::vector<Certificate> certs, FromPemBundle(pem));
  return certs.front();
}

absl::StatusOr<std::vector<Certificate>> Certificate::FromPemBundle(std::string_view pem) {
  BioPtr bio = ReadOnlyBio(AsBytes(pem));
  std::vector<Certificate> out;
  while (true) {
    X509* cert = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr);
    if (cert == nullptr) break;
    out.push_back(Certificate(Own(cert)));
  }
  // PEM_read_bio_X509 ends with "no start line" after the last block; anything else is a
  // corrupt block.
  unsigned long err = ERR_peek_last_error();
  if (ERR_GET_LIB(err) == ERR_LIB_PEM && ERR_GET_REASON(err) == PEM_R_NO_START_LINE) {
    ClearOpenSslErrors();
  } else if (err != 0) {
    return OpenSslError(StrCat("parse PEM certificate #", out.size() + 1));
  }
  if (out.empty()) return absl::InvalidArgumentError("no PEM CERTIFICATE block found");
  return out;
}

absl::StatusOr<std::vector<Certificate>> Certificate::ParseAny(ByteSpan data) {
  if (LooksLikePem(data)) return FromPemBundle(AsChars(data));
  ASSIGN_OR_RETURN(Certificate cert, FromDer(data));
  return std::vector<Certificate>{std::move(cert)};
}

Certificate Certificate::FromX509(X509* cert) {
  X509_up_ref(cert);
  return Certificate(Own(cert));
}

std::string Certificate::ToPem() const {
  BioPtr bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_X509(bio.get(), x509());
  return ToString(BioContents(bio.get()));
}

Bytes Certificate::ToDer() const {
  if (issued_ != nullptr) return issued_->der;
  unsigned char* out = nullptr;
  int len = i2d_X509(x509(), &out);
  return internal::DerOf(len, out);
}

std::string Certificate::Subject() const {
  return internal::NameToString(X509_get_subject_name(x509()));
}
std::string Certificate::Issuer() const {
  return internal::NameToString(X509_get_issuer_name(x509()));
}
std::string Certificate::CommonName() const {
  return internal::CommonNameOf(X509_get_subject_name(x509()));
}
std::string Certificate::SerialHex() const {
  if (issued_ != nullptr) return issued_->serial_hex;
  return internal::SerialToHex(X509_get0_serialNumber(x509()));
}

// d2i_X509 already refused malformed times, so conversion cannot fail here; the epoch is a
// visible (always-expired) answer if it ever did.
absl::Time Certificate::NotBefore() const {
  if (issued_ != nullptr) return issued_->not_before;
  return internal::FromAsn1Time(X509_get0_notBefore(x509())).value_or(absl::UnixEpoch());
}
absl::Time Certificate::NotAfter() const {
  if (issued_ != nullptr) return issued_->not_after;
  return internal::FromAsn1Time(X509_get0_notAfter(x509())).value_or(absl::UnixEpoch());
}

absl::StatusOr<PublicKey> Certificate::GetPublicKey() const {
  EVP_PKEY* key = X509_get_pubkey(x509());
  if (key == nullptr) return OpenSslError("certificate public key");
  return PublicKey::FromEvp(key);
}

absl::StatusOr<SubjectAltNames> Certificate::Sans() const {
  int crit = 0;
  auto* names =
      static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(x509(), NID_subject_alt_name, &crit, nullptr));
  if (names == nullptr) {
    // -1: absent. -2: present more than once. Otherwise: undecodable.
    if (crit == -1) return SubjectAltNames{};
    ClearOpenSslErrors();
    return absl::InvalidArgumentError(crit == -2 ? "subjectAltName extension appears twice"
                                                 : "malformed subjectAltName extension");
  }
  GeneralNamesPtr owned(names);
  return internal::ParseGeneralNames(names);
}

bool Certificate::IsCa() const { return X509_check_ca(x509()) > 0; }

absl::StatusOr<std::optional<Bytes>> Certificate::Extension(std::string_view oid) const {
  ASSIGN_OR_RETURN(std::shared_ptr<const ASN1_OBJECT> obj, internal::DottedOid(oid));
  int idx = X509_get_ext_by_OBJ(x509(), obj.get(), -1);
  if (idx < 0) return std::optional<Bytes>();
  if (X509_get_ext_by_OBJ(x509(), obj.get(), idx) >= 0) {
    return absl::InvalidArgumentError(StrCat("extension ", oid, " appears more than once"));
  }
  const ASN1_OCTET_STRING* data = X509_EXTENSION_get_data(X509_get_ext(x509(), idx));
  const uint8_t* p = ASN1_STRING_get0_data(data);
  return std::optional<Bytes>(Bytes(p, p + ASN1_STRING_length(data)));
}

bool Certificate::ExtensionIsCritical(std::string_view oid) const {
  absl::StatusOr<std::shared_ptr<const ASN1_OBJECT>> obj = internal::DottedOid(oid);
  if (!obj.ok()) return false;
  int idx = X509_get_ext_by_OBJ(x509(), obj->get(), -1);
  return idx >= 0 && X509_EXTENSION_get_critical(X509_get_ext(x509(), idx)) == 1;
}

Bytes Certificate::Sha256Fingerprint() const { return Sha256(ToDer()); }

std::string Certificate::ToText() const {
  BioPtr bio(BIO_new(BIO_s_mem()));
  X509_print(bio.get(), x509());
  return ToString(BioContents(bio.get()));
}

}  // namespace c8s::crypto
