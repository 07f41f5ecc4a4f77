// X.509 certificates, CSRs, issuing, chain verification and CRLs for the c8s CA and its relying
// parties. Every parser takes outside input and returns a precise error, never crashes.
//
//   ASSIGN_OR_RETURN(auto ca, CertificateAuthority::CreateSelfSigned(key, {"c8s CA"}, nb, na));
//   ASSIGN_OR_RETURN(Certificate leaf, ca.Issue(node_key.GetPublicKey(), options));
//   RETURN_IF_ERROR(VerifyChain(leaf, {}, {ca.certificate()}, clock.Now()));
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "lib/base/bytes.h"
#include "lib/crypto/keys.h"

typedef struct x509_st X509;
typedef struct X509_req_st X509_REQ;
typedef struct X509_crl_st X509_CRL;

namespace c8s::crypto {

// The subject attributes c8s sets. Empty fields are left out.
struct Name {
  Name(std::string cn = "", std::string o = "")  // NOLINT: implicit, so {"node-1"} works
      : common_name(std::move(cn)), organization(std::move(o)) {}
  std::string common_name;
  std::string organization;
};

struct SubjectAltNames {
  std::vector<std::string> dns;
  std::vector<std::string> ips;  // textual, "10.0.0.1" or "fd00::1"
  std::vector<std::string> uris;
  bool empty() const { return dns.empty() && ips.empty() && uris.empty(); }
};

class Certificate {
 public:
  static absl::StatusOr<Certificate> FromDer(ByteSpan der);
  // The first certificate of a PEM text; fails when there is none.
  static absl::StatusOr<Certificate> FromPem(std::string_view pem);
  // Every certificate of a PEM bundle, in order; fails on an empty or corrupt bundle.
  static absl::StatusOr<std::vector<Certificate>> FromPemBundle(std::string_view pem);
  // A PEM bundle, or else a single DER certificate.
  static absl::StatusOr<std::vector<Certificate>> ParseAny(ByteSpan data);
  // Shares (up-refs) an OpenSSL certificate.
  static Certificate FromX509(X509* cert);

  std::string ToPem() const;
  Bytes ToDer() const;

  std::string Subject() const;  // RFC 2253 one-line, "CN=node-1,O=c8s"
  std::string Issuer() const;
  std::string CommonName() const;  // empty when absent
  std::string SerialHex() const;   // lowercase hex of the serial's magnitude, "-" if negative
  absl::Time NotBefore() const;
  absl::Time NotAfter() const;
  absl::StatusOr<PublicKey> GetPublicKey() const;
  absl::StatusOr<SubjectAltNames> Sans() const;
  bool IsCa() const;
  // The extension value (the DER inside extnValue) for a dotted OID; nullopt when absent.
  // A duplicated extension is an error (RFC 5280 §4.2).
  absl::StatusOr<std::optional<Bytes>> Extension(std::string_view oid) const;
  bool ExtensionIsCritical(std::string_view oid) const;
  Bytes Sha256Fingerprint() const;
  // OpenSSL's `openssl x509 -text` rendering (c8s OIDs by name once RegisterC8sOids() ran).
  std::string ToText() const;

  // Never null. A certificate this process issued is parsed by OpenSSL only here, on first
  // use: d2i_X509 decodes the key through OpenSSL 3.0's provider decoders (~190 us), and the
  // CDS usually only needs the DER, serial and expiry of what it issues.
  X509* x509() const;

 private:
  friend class CertificateAuthority;
  struct Issued;
  explicit Certificate(std::shared_ptr<X509> cert) : cert_(std::move(cert)) {}
  explicit Certificate(std::shared_ptr<const Issued> issued) : issued_(std::move(issued)) {}
  static Certificate FromIssued(Bytes der, std::string serial_hex, absl::Time not_before,
                                absl::Time not_after);
  std::shared_ptr<X509> cert_;            // parsed, or
  std::shared_ptr<const Issued> issued_;  // encoded by CertificateAuthority
};

class CertificateRequest {
 public:
  // A PKCS#10 request for `key`'s public key, self-signed with `key`.
  static absl::StatusOr<CertificateRequest> Create(const PrivateKey& key, const Name& subject,
                                                   const SubjectAltNames& sans);
  static absl::StatusOr<CertificateRequest> FromPem(std::string_view pem);
  static absl::StatusOr<CertificateRequest> FromDer(ByteSpan der);

  std::string ToPem() const;
  Bytes ToDer() const;
  std::string Subject() const;
  std::string CommonName() const;
  absl::StatusOr<PublicKey> GetPublicKey() const;
  // The SubjectPublicKeyInfo DER exactly as the request carries it (no re-encoding).
  Bytes SpkiDer() const;
  absl::StatusOr<SubjectAltNames> Sans() const;
  // Proof of possession: the request is signed by the key it names.
  absl::Status VerifySelfSignature() const;

  // Parsed by c8s itself (x509_csr.cc) rather than d2i_X509_REQ: OpenSSL 3.0 would decode
  // the key through its provider decoder framework, which costs more than the CDS's whole
  // issuance otherwise does.
  struct Parsed;

 private:
  explicit CertificateRequest(std::shared_ptr<const Parsed> parsed) : p_(std::move(parsed)) {}
  std::shared_ptr<const Parsed> p_;
};

// An extension the caller encodes itself (the c8s profile, cert_profile.h).
struct CustomExtension {
  std::string oid;  // dotted
  Bytes der_value;  // the DER placed in extnValue
  bool critical = false;
};

struct IssueOptions {
  Name subject;
  absl::Time not_before;
  absl::Time not_after;
  bool is_ca = false;
  std::optional<int> path_len;  // CA only
  bool server_auth = false;     // extendedKeyUsage, leaf only
  bool client_auth = false;
  SubjectAltNames sans;
  std::vector<CustomExtension> extensions;
};

// Validity window starting now - `backdate` (clock skew between nodes) and lasting `lifetime`.
IssueOptions LeafOptions(const Name& subject, absl::Time now, absl::Duration lifetime,
                         absl::Duration backdate = absl::Minutes(5));

class CertificateAuthority {
 public:
  // Fails unless `key` is the private half of `cert`'s key and `cert` is a CA.
  static absl::StatusOr<CertificateAuthority> Create(Certificate cert, PrivateKey key);
  static absl::StatusOr<CertificateAuthority> CreateSelfSigned(PrivateKey key, const Name& subject,
                                                               absl::Time not_before,
                                                               absl::Time not_after);

  // Issues a certificate for `subject_key`: 16-byte positive random serial, SKI/AKI,
  // basicConstraints and keyUsage (critical), EKU, SANs and custom extensions.
  absl::StatusOr<Certificate> Issue(const PublicKey& subject_key,
                                    const IssueOptions& options) const;
  // Issues for a CSR after checking its self-signature; `options` decides everything else.
  absl::StatusOr<Certificate> IssueForRequest(const CertificateRequest& csr,
                                              const IssueOptions& options) const;
  // The same for a CSR whose self-signature the caller has just verified (no second verify).
  absl::StatusOr<Certificate> IssueForVerifiedRequest(const CertificateRequest& csr,
                                                      const IssueOptions& options) const;

  const Certificate& certificate() const { return cert_; }
  const PrivateKey& key() const { return key_; }

 private:
  CertificateAuthority(Certificate cert, PrivateKey key, Bytes issuer_name_der, Bytes issuer_key_id)
      : cert_(std::move(cert)),
        key_(std::move(key)),
        issuer_name_der_(std::move(issuer_name_der)),
        issuer_key_id_(std::move(issuer_key_id)) {}
  static absl::StatusOr<CertificateAuthority> Make(Certificate cert, PrivateKey key);
  absl::StatusOr<Certificate> Build(ByteSpan spki, const IssueOptions& options) const;
  Certificate cert_;
  PrivateKey key_;
  Bytes issuer_name_der_;  // cert_'s subject and key identifier, as issued certificates name them
  Bytes issuer_key_id_;
};

// Verifies leaf -> intermediates -> one of `roots` at time `at` (X509_VERIFY_PARAM_set_time).
// Errors are PermissionDenied and name the certificate (depth, subject, serial) and the check:
// "certificate chain: depth 0 (CN=node-1, serial 5a..): expired at 2026-01-01T00:00:00Z,
// checked at 2026-02-01T00:00:00Z".
absl::Status VerifyChain(const Certificate& leaf, const std::vector<Certificate>& intermediates,
                         const std::vector<Certificate>& roots, absl::Time at);

class Crl {
 public:
  static absl::StatusOr<Crl> FromDer(ByteSpan der);
  static absl::StatusOr<Crl> FromPem(std::string_view pem);
  // PEM, or else DER.
  static absl::StatusOr<Crl> Parse(ByteSpan data);
  // Signs a CRL listing `revoked_serials_hex` with the CA key (the CDS serves it at /v1/crl).
  static absl::StatusOr<Crl> Issue(const CertificateAuthority& ca,
                                   const std::vector<std::string>& revoked_serials_hex,
                                   absl::Time this_update, absl::Time next_update);

  std::string ToPem() const;
  Bytes ToDer() const;
  std::string Issuer() const;
  absl::Time LastUpdate() const;
  std::optional<absl::Time> NextUpdate() const;
  std::vector<std::string> RevokedSerials() const;  // lowercase hex, as SerialHex()
  bool IsRevoked(std::string_view serial_hex) const;
  bool IsRevoked(const Certificate& cert) const { return IsRevoked(cert.SerialHex()); }
  // The CRL names `issuer` as its issuer and is signed by `issuer`'s key.
  absl::Status VerifySignature(const Certificate& issuer) const;

  X509_CRL* crl() const { return crl_.get(); }

 private:
  explicit Crl(std::shared_ptr<X509_CRL> crl) : crl_(std::move(crl)) {}
  std::shared_ptr<X509_CRL> crl_;
};

}  // namespace c8s::crypto
