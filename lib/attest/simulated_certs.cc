#include "lib/attest/simulated_certs.h"

#include "lib/attest/snp_certs.h"
#include "lib/base/status.h"

namespace c8s::attest {
namespace {

using crypto::OpenSslError;

X509_NAME* SimName(const std::string& cn) {
  X509_NAME* n = X509_NAME_new();
  auto add = [n](const char* field, const std::string& v) {
    X509_NAME_add_entry_by_txt(n, field, MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>(v.data()),
                               static_cast<int>(v.size()), -1, 0);
  };
  add("OU", "Engineering");
  add("C", "US");
  // Never the AMD organization name: a simulated root can not be mistaken for a real one.
  add("O", "c8s simulated SEV-SNP (not AMD)");
  add("CN", cn);
  return n;
}

absl::Status AddExt(X509* cert, const std::string& oid, ByteSpan value, bool critical = false) {
  crypto::Asn1ObjectPtr obj(OBJ_txt2obj(oid.c_str(), 1));
  crypto::Asn1OctetStringPtr os(ASN1_OCTET_STRING_new());
  if (!obj || !os ||
      ASN1_OCTET_STRING_set(os.get(), value.data(), static_cast<int>(value.size())) != 1) {
    return OpenSslError("simulated extension");
  }
  crypto::X509ExtensionPtr ext(
      X509_EXTENSION_create_by_OBJ(nullptr, obj.get(), critical, os.get()));
  if (!ext || X509_add_ext(cert, ext.get(), -1) != 1) return OpenSslError("simulated extension");
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<crypto::EvpPkeyPtr> GenerateRsaKey(int bits) {
  crypto::EvpPkeyPtr k(EVP_RSA_gen(static_cast<unsigned>(bits)));
  if (!k) return OpenSslError("RSA key generation");
  return k;
}

absl::StatusOr<crypto::EvpPkeyPtr> GenerateP384Key() {
  crypto::EvpPkeyPtr k(EVP_EC_gen("P-384"));
  if (!k) return OpenSslError("P-384 key generation");
  return k;
}

absl::StatusOr<crypto::EvpPkeyPtr> PrivateKeyFromPem(std::string_view pem) {
  crypto::BioPtr bio = crypto::ReadOnlyBio(AsBytes(pem));
  crypto::EvpPkeyPtr k(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  if (!k) return OpenSslError("private key PEM");
  return k;
}

Bytes DerInteger(long v) {
  crypto::Asn1IntegerPtr i(ASN1_INTEGER_new());
  ASN1_INTEGER_set(i.get(), v);
  int len = i2d_ASN1_INTEGER(i.get(), nullptr);
  Bytes out(len);
  unsigned char* p = out.data();
  i2d_ASN1_INTEGER(i.get(), &p);
  return out;
}

Bytes DerIa5(std::string_view s) {
  ASN1_IA5STRING* a = ASN1_IA5STRING_new();
  ASN1_STRING_set(a, s.data(), static_cast<int>(s.size()));
  int len = i2d_ASN1_IA5STRING(a, nullptr);
  Bytes out(len);
  unsigned char* p = out.data();
  i2d_ASN1_IA5STRING(a, &p);
  ASN1_IA5STRING_free(a);
  return out;
}

absl::StatusOr<crypto::X509Ptr> MakeSimCert(const SimCertSpec& s) {
  crypto::X509Ptr cert(X509_new());
  if (!cert) return OpenSslError("X509_new");
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), s.serial);
  X509_NAME* subject = SimName(s.subject_cn);
  X509_NAME* issuer = SimName(s.issuer_cn);
  X509_set_subject_name(cert.get(), subject);
  X509_set_issuer_name(cert.get(), issuer);
  X509_NAME_free(subject);
  X509_NAME_free(issuer);
  ASN1_TIME_set(X509_getm_notBefore(cert.get()), absl::ToTimeT(s.not_before));
  ASN1_TIME_set(X509_getm_notAfter(cert.get()), absl::ToTimeT(s.not_after));
  if (X509_set_pubkey(cert.get(), s.subject_key) != 1) return OpenSslError("X509_set_pubkey");
  if (s.ca) {
    RETURN_IF_ERROR(AddExt(cert.get(), "2.5.29.19",
                           Bytes{0x30, 0x06, 0x01, 0x01, 0xff, 0x02, 0x01, 0x00},
                           true));  // CA, pathlen 0
    RETURN_IF_ERROR(AddExt(cert.get(), "2.5.29.15", Bytes{0x03, 0x02, 0x01, 0x06}, true));
  }
  for (const auto& [oid, value] : s.extensions) RETURN_IF_ERROR(AddExt(cert.get(), oid, value));
  crypto::EvpMdCtxPtr md(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;
  if (!md || EVP_DigestSignInit(md.get(), &pctx, EVP_sha384(), nullptr, s.issuer_key) != 1 ||
      EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1 ||
      EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, 48) != 1 ||
      EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, EVP_sha384()) != 1 ||
      X509_sign_ctx(cert.get(), md.get()) <= 0) {
    return OpenSslError("signing simulated certificate");
  }
  return cert;
}

std::string SimCertPem(X509* cert) {
  crypto::BioPtr bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_X509(bio.get(), cert);
  return ToString(crypto::BioContents(bio.get()));
}

}  // namespace c8s::attest
