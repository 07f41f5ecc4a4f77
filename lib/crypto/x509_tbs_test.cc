// The certificate encoder (x509_tbs.cc) against OpenSSL's own builder: for the same serial,
// validity, names, key and extensions, the TBSCertificate bytes must be identical, so that
// replacing the builder changed nothing a relying party can see.
#include <openssl/x509v3.h>

#include <catch2/catch_test_macros.hpp>

#include "lib/base/strings.h"
#include "lib/crypto/cert_profile.h"
#include "lib/crypto/der_writer.h"
#include "lib/crypto/x509_internal.h"
#include "lib/crypto/x509_testing.h"

namespace c8s::crypto {
namespace {

void AddConf(X509* cert, X509V3_CTX* ctx, int nid, const char* value) {
  X509ExtensionPtr ext(X509V3_EXT_conf_nid(nullptr, ctx, nid, value));
  REQUIRE(ext);
  REQUIRE(X509_add_ext(cert, ext.get(), -1) == 1);
}

// What OpenSSL's setters and config-string extensions build for `options` (the builder c8s
// used before), with the serial and times taken from `ours`.
Bytes OpenSslTbs(const Certificate& ours, const PublicKey& subject_key, const IssueOptions& o,
                 X509* issuer) {
  X509Ptr cert(X509_new());
  X509NamePtr subject = internal::BuildName(o.subject).value();
  REQUIRE(X509_set_version(cert.get(), X509_VERSION_3) == 1);
  REQUIRE(X509_set_serialNumber(cert.get(), const_cast<ASN1_INTEGER*>(X509_get0_serialNumber(ours.x509()))) == 1);
  REQUIRE(X509_set_subject_name(cert.get(), subject.get()) == 1);
  REQUIRE(X509_set_issuer_name(cert.get(),
                               issuer ? X509_get_subject_name(issuer) : subject.get()) == 1);
  REQUIRE(X509_set_pubkey(cert.get(), subject_key.evp()) == 1);
  REQUIRE(X509_set1_notBefore(cert.get(), X509_get0_notBefore(ours.x509())) == 1);
  REQUIRE(X509_set1_notAfter(cert.get(), X509_get0_notAfter(ours.x509())) == 1);
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, issuer ? issuer : cert.get(), cert.get(), nullptr, nullptr, 0);
  std::string basic = o.is_ca ? "critical,CA:TRUE" : "critical,CA:FALSE";
  if (o.is_ca && o.path_len) basic += StrCat(",pathlen:", *o.path_len);
  AddConf(cert.get(), &ctx, NID_basic_constraints, basic.c_str());
  AddConf(cert.get(), &ctx, NID_key_usage,
          o.is_ca ? "critical,digitalSignature,keyCertSign,cRLSign" : "critical,digitalSignature");
  if (!o.is_ca && (o.server_auth || o.client_auth)) {
    std::string eku = o.server_auth ? "serverAuth" : "";
    if (o.client_auth) eku += eku.empty() ? "clientAuth" : ",clientAuth";
    AddConf(cert.get(), &ctx, NID_ext_key_usage, eku.c_str());
  }
  AddConf(cert.get(), &ctx, NID_subject_key_identifier, "hash");
  AddConf(cert.get(), &ctx, NID_authority_key_identifier, "keyid:always");
  if (!o.sans.empty()) {
    GeneralNamesPtr names = internal::BuildGeneralNames(o.sans).value();
    REQUIRE(X509_add1_ext_i2d(cert.get(), NID_subject_alt_name, names.get(), 0,
                              X509V3_ADD_DEFAULT) == 1);
  }
  for (const CustomExtension& custom : o.extensions) {
    std::shared_ptr<const ASN1_OBJECT> obj = internal::DottedOid(custom.oid).value();
    Asn1OctetStringPtr data(ASN1_OCTET_STRING_new());
    ASN1_OCTET_STRING_set(data.get(), custom.der_value.data(),
                          static_cast<int>(custom.der_value.size()));
    X509ExtensionPtr ext(
        X509_EXTENSION_create_by_OBJ(nullptr, obj.get(), custom.critical ? 1 : 0, data.get()));
    REQUIRE(X509_add_ext(cert.get(), ext.get(), -1) == 1);
  }
  // The TBS is signed with ecdsa-with-SHA256: set the algorithm the way X509_sign would.
  X509_ALGOR* alg = const_cast<X509_ALGOR*>(X509_get0_tbs_sigalg(cert.get()));
  REQUIRE(X509_ALGOR_set0(alg, OBJ_nid2obj(NID_ecdsa_with_SHA256), V_ASN1_UNDEF, nullptr) == 1);
  unsigned char* out = nullptr;
  int len = i2d_re_X509_tbs(cert.get(), &out);
  return internal::DerOf(len, out);
}

// The TBSCertificate exactly as encoded (not as OpenSSL would re-encode it after parsing).
Bytes OurTbs(const Certificate& cert) {
  Bytes der = cert.ToDer();
  ByteSpan in = der;
  DerTlv outer = NextDerTlv(in, "certificate").value();
  ByteSpan body = outer.value;
  DerTlv tbs = NextDerTlv(body, "tbsCertificate").value();
  return Bytes(tbs.whole.begin(), tbs.whole.end());
}

IssueOptions WorkloadOptions(absl::Time now) {
  IssueOptions o = LeafOptions({"shop/api", "c8s workload"}, now, absl::Hours(1));
  o.server_auth = true;
  o.client_auth = true;
  o.sans.dns = {"api.shop.svc", "api.shop.svc.cluster.local"};
  o.sans.ips = {"10.0.0.7", "fd00::7"};
  o.sans.uris = {"spiffe://c8s.test/ns/shop/id/api"};
  C8sClaimsExtension claims;
  claims.platform = "sev-snp";
  claims.measurement_hex = std::string(96, 'a');
  claims.node_name = "node-1";
  claims.workload_identity = "shop/api";
  claims.manifest_generation = 300;
  claims.node_serial_hex = "4a0b";
  claims.approval_mode = ApprovalMode::kOwner;
  REQUIRE(AddC8sClaims(claims, o).ok());
  return o;
}

TEST_CASE("issued certificates encode as OpenSSL's builder would", "[x509][tbs]") {
  absl::Time now = absl::FromUnixSeconds(1790000000) + absl::Milliseconds(700);
  CertificateAuthority ca = testing::MakeCa("c8s cluster CA", now);
  PrivateKey key = PrivateKey::Generate(KeyType::kP256).value();

  SECTION("a workload leaf: EKU, every SAN kind, c8s claims") {
    IssueOptions o = WorkloadOptions(now);
    Certificate cert = ca.Issue(key.GetPublicKey(), o).value();
    CHECK(OurTbs(cert) == OpenSslTbs(cert, key.GetPublicKey(), o, ca.certificate().x509()));
    CHECK(VerifyChain(cert, {}, {ca.certificate()}, now).ok());
  }
  SECTION("a leaf without EKU or SANs, and one with a long extension (multi-byte lengths)") {
    IssueOptions o = LeafOptions({"n1", ""}, now, absl::Hours(24));
    Certificate plain = ca.Issue(key.GetPublicKey(), o).value();
    CHECK(OurTbs(plain) == OpenSslTbs(plain, key.GetPublicKey(), o, ca.certificate().x509()));
    o.extensions.push_back({"1.2.3.4.5", DerTlvOf(kDerOctetString, Bytes(300, 0x5a)), true});
    Certificate big = ca.Issue(key.GetPublicKey(), o).value();
    CHECK(OurTbs(big) == OpenSslTbs(big, key.GetPublicKey(), o, ca.certificate().x509()));
  }
  SECTION("a self-signed CA with a path length, valid past 2049 (GeneralizedTime)") {
    PrivateKey ca_key = PrivateKey::Generate(KeyType::kP256).value();
    absl::Time far = absl::FromCivil(absl::CivilSecond(2051, 3, 4, 5, 6, 7), absl::UTCTimeZone());
    CertificateAuthority self =
        CertificateAuthority::CreateSelfSigned(ca_key, {"root", "c8s"}, now, far).value();
    IssueOptions o;
    o.subject = {"root", "c8s"};
    o.is_ca = true;
    o.path_len = 1;
    CHECK(OurTbs(self.certificate()) ==
          OpenSslTbs(self.certificate(), ca_key.GetPublicKey(), o, nullptr));
    CHECK(self.certificate().NotAfter() == far);
    CHECK(X509_check_issued(self.certificate().x509(), self.certificate().x509()) == X509_V_OK);
  }
  SECTION("a request's key: the certificate carries the request's SubjectPublicKeyInfo") {
    CertificateRequest csr = CertificateRequest::Create(key, {"app"}, {}).value();
    IssueOptions o = WorkloadOptions(now);
    Certificate cert = ca.IssueForRequest(csr, o).value();
    CHECK(OurTbs(cert) == OpenSslTbs(cert, key.GetPublicKey(), o, ca.certificate().x509()));
    CHECK(cert.GetPublicKey()->SpkiDer() == csr.SpkiDer());
  }
}

TEST_CASE("issued certificates answer from what was encoded, before and after parsing",
          "[x509][tbs]") {
  absl::Time now = absl::FromUnixSeconds(1790000000) + absl::Milliseconds(900);
  CertificateAuthority ca = testing::MakeCa("ca", now);
  PrivateKey key = PrivateKey::Generate(KeyType::kP256).value();
  Certificate cert = ca.Issue(key.GetPublicKey(), WorkloadOptions(now)).value();
  std::string serial = cert.SerialHex();
  absl::Time not_after = cert.NotAfter();
  CHECK(serial.size() == 32);
  CHECK(not_after == absl::FromUnixSeconds(1790000000 + 3600));  // whole seconds, as encoded
  Certificate parsed = Certificate::FromDer(cert.ToDer()).value();
  CHECK(parsed.SerialHex() == serial);
  CHECK(parsed.NotAfter() == not_after);
  CHECK(parsed.NotBefore() == cert.NotBefore());
  CHECK(cert.Subject() == "CN=shop/api,O=c8s workload");  // parses on first use
  CHECK(ReadC8sClaims(cert)->manifest_generation == 300);
  CHECK(ca.Issue(key.GetPublicKey(), WorkloadOptions(now))->SerialHex() != serial);
}

TEST_CASE("the encoder refuses what a certificate cannot carry, naming it", "[x509][tbs]") {
  absl::Time now = absl::FromUnixSeconds(1790000000);
  CertificateAuthority ca = testing::MakeCa("ca", now);
  PublicKey pub = PrivateKey::Generate(KeyType::kP256).value().GetPublicKey();
  auto refusal = [&](IssueOptions o) { return std::string(ca.Issue(pub, o).status().message()); };
  IssueOptions base = LeafOptions({"n1", "c8s"}, now, absl::Hours(1));

  IssueOptions o = base;
  o.subject.common_name = std::string(65, 'x');
  CHECK(refusal(o).find("subject CN=") == 0);
  CHECK(refusal(o).find("65 characters, at most 64") != std::string::npos);
  o = base;
  o.subject.organization = "bad\xff";
  CHECK(refusal(o).find("subject O=") == 0);
  CHECK(refusal(o).find("invalid UTF-8") != std::string::npos);
  o = base;
  o.sans.dns = {std::string("a\0b", 3)};
  CHECK(refusal(o) == "SAN: empty or NUL-containing name");
  o = base;
  o.sans.ips = {"10.0.0.300"};
  CHECK(refusal(o) == "SAN: invalid IP address \"10.0.0.300\"");
  o = base;
  o.sans.uris = {"spiffe://c8s/\xc3\xa9"};
  CHECK(refusal(o).find("is not ASCII (IA5String)") != std::string::npos);
  o = base;
  o.extensions = {{"2.5.29.17", DerTlvOf(kDerOctetString, Bytes{1}), false}};
  o.sans.uris = {"spiffe://c8s/x"};
  CHECK(refusal(o) == "extension 2.5.29.17 given twice");
  o = base;
  o.not_after = o.not_before;
  CHECK(refusal(o).find("validity: not_after") == 0);
  o = base;
  o.not_after = absl::FromCivil(absl::CivilSecond(10000, 1, 1, 0, 0, 0), absl::UTCTimeZone());
  CHECK(refusal(o).find("outside the years 0000-9999") != std::string::npos);
  // 64 two-byte characters are 64 characters.
  o = base;
  std::string e_acute;
  for (int i = 0; i < 64; ++i) e_acute += "\xc3\xa9";
  o.subject.common_name = e_acute;
  CHECK(ca.Issue(pub, o)->CommonName() == e_acute);
}

TEST_CASE("DerWriter integers and lengths are minimal DER", "[x509][tbs]") {
  for (int64_t v : {int64_t{0}, int64_t{1}, int64_t{127}, int64_t{128}, int64_t{255}, int64_t{256},
                    int64_t{-1}, int64_t{-128}, int64_t{-129}, INT64_MAX, INT64_MIN}) {
    DerWriter w;
    w.Integer(v);
    Asn1IntegerPtr want(ASN1_INTEGER_new());
    REQUIRE(ASN1_INTEGER_set_int64(want.get(), v) == 1);
    unsigned char* out = nullptr;
    int len = i2d_ASN1_INTEGER(want.get(), &out);
    CHECK(w.bytes() == internal::DerOf(len, out));
  }
  DerWriter w;
  w.UnsignedInteger(Bytes{0x00, 0x00, 0x80});
  CHECK(w.bytes() == Bytes{0x02, 0x02, 0x00, 0x80});
  for (size_t n : {size_t{127}, size_t{128}, size_t{255}, size_t{256}, size_t{70000}}) {
    DerWriter nested;
    size_t mark = nested.Begin(kDerSequence);
    nested.Raw(Bytes(n, 0));
    nested.End(mark);
    ByteSpan in = nested.bytes();
    absl::StatusOr<DerTlv> tlv = NextDerTlv(in, "nested");  // the strict reader accepts it
    REQUIRE(tlv.ok());
    CHECK(tlv->value.size() == n);
    CHECK(in.empty());
  }
}

}  // namespace
}  // namespace c8s::crypto

namespace c8s::crypto {
namespace {

TEST_CASE("c8s claims that ReadC8sClaims would refuse are never issued", "[x509][tbs]") {
  // Found by fuzz_x509_issue: a node name that is not UTF-8 was encoded, and the issued
  // certificate's claims then failed to decode everywhere.
  IssueOptions o;
  C8sClaimsExtension claims;
  claims.node_name = "nod\xe5-1";
  absl::Status st = AddC8sClaims(claims, o);
  CHECK(std::string(st.message()) == "c8sNodeName: \"nod\\xe5-1\" is not UTF-8 without NUL");
  claims.node_name = std::string("n\0", 2);
  CHECK(!AddC8sClaims(claims, o).ok());
  CHECK(o.extensions.empty());
}

}  // namespace
}  // namespace c8s::crypto
