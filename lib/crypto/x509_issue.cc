// Issuing certificates from a CA key (the CDS) and creating self-signed CAs; the encoding
// itself is x509_tbs.cc.
#include "lib/base/status.h"
#include "lib/base/strings.h"
#include "lib/crypto/x509.h"
#include "lib/crypto/x509_internal.h"

namespace c8s::crypto {

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
  return Make(std::move(cert), std::move(key));
}

absl::StatusOr<CertificateAuthority> CertificateAuthority::Make(Certificate cert, PrivateKey key) {
  ASSIGN_OR_RETURN(internal::IssuerRef issuer, internal::IssuerRefOf(cert.x509()));
  return CertificateAuthority(std::move(cert), std::move(key), std::move(issuer.name_der),
                              std::move(issuer.key_id));
}

absl::StatusOr<Certificate> CertificateAuthority::Build(ByteSpan spki,
                                                        const IssueOptions& options) const {
  internal::IssuerRef issuer{issuer_name_der_, issuer_key_id_};
  ASSIGN_OR_RETURN(internal::EncodedCertificate encoded,
                   internal::EncodeCertificate(spki, options, &issuer, key_));
  return Certificate::FromIssued(std::move(encoded.der), std::move(encoded.serial_hex),
                                 encoded.not_before, encoded.not_after);
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
  PublicKey public_key = key.GetPublicKey();
  ASSIGN_OR_RETURN(internal::EncodedCertificate encoded,
                   internal::EncodeCertificate(public_key.SpkiDer(), options, nullptr, key));
  // Parsed now: a CA certificate is read (name, key id, chain checks) from the start.
  ASSIGN_OR_RETURN(Certificate cert, Certificate::FromDer(encoded.der));
  return Make(std::move(cert), std::move(key));
}

absl::StatusOr<Certificate> CertificateAuthority::Issue(const PublicKey& subject_key,
                                                        const IssueOptions& options) const {
  if (subject_key.type() == KeyType::kX25519 || subject_key.type() == KeyType::kRsa) {
    return absl::InvalidArgumentError(
        StrCat("cannot certify a ", KeyTypeName(subject_key.type()), " key"));
  }
  return Build(subject_key.SpkiDer(), options);
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
  return Build(internal::CanonicalSpki(key, csr.SpkiDer()), options);
}

}  // namespace c8s::crypto
