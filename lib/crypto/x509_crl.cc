// Certificate revocation lists: parsing (vendor CRLs for attestation, our own /v1/crl),
// serial lookup, signature check against the issuer, and issuing from a c8s CA.
#include "lib/base/status.h"
#include "lib/base/strings.h"
#include "lib/crypto/x509.h"
#include "lib/crypto/x509_internal.h"

namespace c8s::crypto {
namespace {

std::shared_ptr<X509_CRL> Own(X509_CRL* crl) { return {crl, X509_CRL_free}; }

}  // namespace

absl::StatusOr<Crl> Crl::FromDer(ByteSpan der) {
  const unsigned char* p = der.data();
  X509_CRL* crl = d2i_X509_CRL(nullptr, &p, static_cast<long>(der.size()));
  if (crl == nullptr) return OpenSslError("parse DER CRL");
  if (p != der.data() + der.size()) {
    X509_CRL_free(crl);
    return absl::InvalidArgumentError("parse DER CRL: trailing bytes");
  }
  return Crl(Own(crl));
}

absl::StatusOr<Crl> Crl::FromPem(std::string_view pem) {
  BioPtr bio = ReadOnlyBio(AsBytes(pem));
  X509_CRL* crl = PEM_read_bio_X509_CRL(bio.get(), nullptr, nullptr, nullptr);
  if (crl == nullptr) return OpenSslError("parse PEM CRL");
  return Crl(Own(crl));
}

absl::StatusOr<Crl> Crl::Parse(ByteSpan data) {
  if (AsChars(data).find("-----BEGIN") != std::string_view::npos) return FromPem(AsChars(data));
  return FromDer(data);
}

absl::StatusOr<Crl> Crl::Issue(const CertificateAuthority& ca,
                               const std::vector<std::string>& revoked_serials_hex,
                               absl::Time this_update, absl::Time next_update) {
  ASSIGN_OR_RETURN(const EVP_MD* md, internal::SigningDigest(ca.key()));
  X509CrlPtr crl(X509_CRL_new());
  Asn1TimePtr last(ASN1_TIME_set(nullptr, absl::ToTimeT(this_update)));
  Asn1TimePtr next(ASN1_TIME_set(nullptr, absl::ToTimeT(next_update)));
  if (X509_CRL_set_version(crl.get(), X509_CRL_VERSION_2) != 1 ||
      X509_CRL_set_issuer_name(crl.get(), X509_get_subject_name(ca.certificate().x509())) != 1 ||
      X509_CRL_set1_lastUpdate(crl.get(), last.get()) != 1 ||
      X509_CRL_set1_nextUpdate(crl.get(), next.get()) != 1) {
    return OpenSslError("build CRL");
  }
  for (const std::string& hex : revoked_serials_hex) {
    ASSIGN_OR_RETURN(Asn1IntegerPtr serial, internal::SerialFromHex(hex));
    X509_REVOKED* revoked = X509_REVOKED_new();
    if (X509_REVOKED_set_serialNumber(revoked, serial.get()) != 1 ||
        X509_REVOKED_set_revocationDate(revoked, last.get()) != 1 ||
        X509_CRL_add0_revoked(crl.get(), revoked) != 1) {
      X509_REVOKED_free(revoked);
      return OpenSslError(StrCat("CRL entry ", hex));
    }
  }
  X509_CRL_sort(crl.get());
  if (X509_CRL_sign(crl.get(), ca.key().evp(), md) <= 0) return OpenSslError("sign CRL");
  return Crl(Own(crl.release()));
}

std::string Crl::ToPem() const {
  BioPtr bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_X509_CRL(bio.get(), crl_.get());
  return ToString(BioContents(bio.get()));
}

Bytes Crl::ToDer() const {
  unsigned char* out = nullptr;
  int len = i2d_X509_CRL(crl_.get(), &out);
  return internal::DerOf(len, out);
}

std::string Crl::Issuer() const { return internal::NameToString(X509_CRL_get_issuer(crl_.get())); }

absl::Time Crl::LastUpdate() const {
  return internal::FromAsn1Time(X509_CRL_get0_lastUpdate(crl_.get())).value_or(absl::UnixEpoch());
}

std::optional<absl::Time> Crl::NextUpdate() const {
  const ASN1_TIME* next = X509_CRL_get0_nextUpdate(crl_.get());
  if (next == nullptr) return std::nullopt;
  absl::StatusOr<absl::Time> t = internal::FromAsn1Time(next);
  if (!t.ok()) return std::nullopt;
  return *t;
}

std::vector<std::string> Crl::RevokedSerials() const {
  std::vector<std::string> out;
  STACK_OF(X509_REVOKED)* revoked = X509_CRL_get_REVOKED(crl_.get());
  for (int i = 0; i < sk_X509_REVOKED_num(revoked); ++i) {
    out.push_back(
        internal::SerialToHex(X509_REVOKED_get0_serialNumber(sk_X509_REVOKED_value(revoked, i))));
  }
  return out;
}

bool Crl::IsRevoked(std::string_view serial_hex) const {
  // Compare canonical forms: leading zero bytes and letter case do not make a new serial.
  absl::StatusOr<Asn1IntegerPtr> serial = internal::SerialFromHex(serial_hex);
  if (!serial.ok()) return false;
  std::string want = internal::SerialToHex(serial->get());
  for (const std::string& s : RevokedSerials()) {
    if (s == want) return true;
  }
  return false;
}

absl::Status Crl::VerifySignature(const Certificate& issuer) const {
  if (X509_NAME_cmp(X509_CRL_get_issuer(crl_.get()), X509_get_subject_name(issuer.x509())) != 0) {
    return absl::PermissionDeniedError(
        StrCat("CRL issuer mismatch: CRL names ", Issuer(), ", certificate is ", issuer.Subject()));
  }
  EVP_PKEY* key = X509_get0_pubkey(issuer.x509());
  if (key == nullptr || X509_CRL_verify(crl_.get(), key) != 1) {
    ClearOpenSslErrors();
    return absl::PermissionDeniedError(
        StrCat("CRL signature does not verify with the key of ", issuer.Subject()));
  }
  return absl::OkStatus();
}

}  // namespace c8s::crypto
