// Helpers shared by the x509_*.cc files; not part of the public API (OpenSSL types inside).
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "lib/crypto/openssl_util.h"
#include "lib/crypto/x509.h"

namespace c8s::crypto::internal {

absl::StatusOr<absl::Time> FromAsn1Time(const ASN1_TIME* t);
std::string NameToString(const X509_NAME* name);
std::string CommonNameOf(const X509_NAME* name);
// Lowercase hex of |serial|, "-" first when negative (malformed, but printable).
std::string SerialToHex(const ASN1_INTEGER* serial);
absl::StatusOr<Asn1IntegerPtr> SerialFromHex(std::string_view hex);

absl::StatusOr<X509NamePtr> BuildName(const Name& name);
// DNS/IP/URI names as GENERAL_NAMES, built field by field (no config-string parsing, so a
// name containing "," cannot inject another SAN).
absl::StatusOr<GeneralNamesPtr> BuildGeneralNames(const SubjectAltNames& sans);
absl::StatusOr<SubjectAltNames> ParseGeneralNames(const GENERAL_NAMES* names);

// The digest X509_sign/X509_REQ_sign use for a key: SHA-256 for P-256, SHA-384 for P-384,
// none for Ed25519.
absl::StatusOr<const EVP_MD*> SigningDigest(const PrivateKey& key);

// The ASN1_OBJECT for a dotted OID, parsed once per process (OBJ_txt2obj costs more than
// the ECDSA signature of a certificate; issuing and reading c8s claims look up the same few
// OIDs on every certificate).
absl::StatusOr<std::shared_ptr<const ASN1_OBJECT>> DottedOid(std::string_view oid);

// The contents octets of a dotted OID's DER encoding (through DottedOid's cache).
absl::StatusOr<Bytes> OidDer(std::string_view oid);

Bytes DerOf(int len, unsigned char* out);

// What a certificate names of its issuer: the issuer's subject (DER) and key identifier.
struct IssuerRef {
  Bytes name_der;
  Bytes key_id;
};
absl::StatusOr<IssuerRef> IssuerRefOf(X509* ca);

struct EncodedCertificate {
  Bytes der;
  std::string serial_hex;  // as Certificate::SerialHex()
  absl::Time not_before;   // whole seconds, as encoded
  absl::Time not_after;
};
// Encodes and signs a certificate for the SubjectPublicKeyInfo `spki` (x509_tbs.cc);
// `issuer` == nullptr means self-signed by `signer`.
absl::StatusOr<EncodedCertificate> EncodeCertificate(ByteSpan spki, const IssueOptions& options,
                                                     const IssuerRef* issuer,
                                                     const PrivateKey& signer);
// `presented` when it already is the named-curve, uncompressed encoding of `key`, else
// OpenSSL's encoding of `key`: an issued certificate never carries explicit curve
// parameters or a compressed point from a request.
Bytes CanonicalSpki(const PublicKey& key,
                    ByteSpan presented);  // takes ownership of `out` (OPENSSL_free)

}  // namespace c8s::crypto::internal
