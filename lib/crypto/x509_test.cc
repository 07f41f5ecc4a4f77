#include "lib/crypto/x509.h"

#include <catch2/catch_test_macros.hpp>

#include "lib/base/strings.h"
#include "lib/crypto/x509_testing.h"

namespace c8s::crypto {
namespace {

using testing::IssueWorkloadLeaf;
using testing::MakeCa;

TEST_CASE("issued certificate fields read back", "[unit]") {
  absl::Time now = absl::FromUnixSeconds(1'780'000'000);
  CertificateAuthority ca = MakeCa("c8s test CA", now);
  IssueOptions options = LeafOptions({"node-1", "c8s"}, now, absl::Hours(24));
  options.server_auth = true;
  options.sans = {
      {"node-1.c8s.local", "node-1"}, {"10.0.0.7", "fd00::1"}, {"spiffe://c8s.test/node/node-1"}};
  options.extensions.push_back({"1.3.6.1.4.1.99999.1", ToBytes("\x04\x02hi"), false});
  PrivateKey key = PrivateKey::Generate(KeyType::kP256).value();
  Certificate cert = ca.Issue(key.GetPublicKey(), options).value();

  CHECK(cert.Subject() == "CN=node-1,O=c8s");
  CHECK(cert.Issuer() == "CN=c8s test CA,O=c8s");
  CHECK(cert.CommonName() == "node-1");
  CHECK(cert.NotBefore() == now - absl::Minutes(5));
  CHECK(cert.NotAfter() == now + absl::Hours(24));
  CHECK(cert.SerialHex().size() == 32);  // 16 bytes, positive
  CHECK(cert.SerialHex() != ca.Issue(key.GetPublicKey(), options).value().SerialHex());
  CHECK(cert.GetPublicKey().value().SpkiDer() == key.GetPublicKey().SpkiDer());
  CHECK_FALSE(cert.IsCa());
  CHECK(ca.certificate().IsCa());
  SubjectAltNames sans = cert.Sans().value();
  CHECK(sans.dns == options.sans.dns);
  CHECK(sans.ips == options.sans.ips);
  CHECK(sans.uris == options.sans.uris);
  CHECK(cert.Extension("1.3.6.1.4.1.99999.1").value() == ToBytes("\x04\x02hi"));
  CHECK_FALSE(cert.Extension("1.3.6.1.4.1.99999.2").value().has_value());
  CHECK_FALSE(cert.Extension("not an oid").ok());
  CHECK_FALSE(cert.ExtensionIsCritical("1.3.6.1.4.1.99999.1"));
  CHECK(cert.ExtensionIsCritical("2.5.29.19"));  // basicConstraints
  CHECK(cert.ToText().find("TLS Web Server Authentication") != std::string::npos);
  CHECK(cert.ToText().find("X509v3 Subject Key Identifier") != std::string::npos);
  CHECK(cert.ToText().find("X509v3 Authority Key Identifier") != std::string::npos);
}

TEST_CASE("PEM, DER and bundles round-trip", "[unit]") {
  CertificateAuthority ca = MakeCa("CA");
  Certificate leaf = IssueWorkloadLeaf(ca, "w", "spiffe://t/ns/a/id/b").cert;
  CHECK(Certificate::FromPem(leaf.ToPem()).value().ToDer() == leaf.ToDer());
  CHECK(Certificate::FromDer(leaf.ToDer()).value().ToPem() == leaf.ToPem());

  std::string bundle = leaf.ToPem() + ca.certificate().ToPem();
  std::vector<Certificate> certs = Certificate::FromPemBundle(bundle).value();
  REQUIRE(certs.size() == 2);
  CHECK(certs[1].ToDer() == ca.certificate().ToDer());
  CHECK(Certificate::ParseAny(AsBytes(bundle)).value().size() == 2);
  CHECK(Certificate::ParseAny(leaf.ToDer()).value().size() == 1);

  Bytes trailing = leaf.ToDer();
  trailing.push_back(0);
  CHECK(StatusText(Certificate::FromDer(trailing).status()).find("trailing") != std::string::npos);
  CHECK_FALSE(Certificate::FromPemBundle("").ok());
  CHECK_FALSE(
      Certificate::FromPem("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n").ok());
  CHECK_FALSE(Certificate::ParseAny(ToBytes("garbage")).ok());
}

TEST_CASE("CSR round trip and proof of possession", "[unit]") {
  PrivateKey key = PrivateKey::Generate(KeyType::kP256).value();
  SubjectAltNames sans{{"node-2"}, {"192.168.1.9"}, {"spiffe://c8s.test/node/node-2"}};
  CertificateRequest csr = CertificateRequest::Create(key, {"node-2", "c8s"}, sans).value();
  CertificateRequest parsed = CertificateRequest::FromPem(csr.ToPem()).value();
  CHECK(CertificateRequest::FromDer(csr.ToDer()).value().ToDer() == csr.ToDer());
  CHECK(parsed.CommonName() == "node-2");
  CHECK(parsed.Subject() == "CN=node-2,O=c8s");
  CHECK(parsed.GetPublicKey().value().SpkiDer() == key.GetPublicKey().SpkiDer());
  SubjectAltNames got = parsed.Sans().value();
  CHECK(got.dns == sans.dns);
  CHECK(got.ips == sans.ips);
  CHECK(got.uris == sans.uris);
  CHECK(parsed.VerifySelfSignature().ok());

  CertificateAuthority ca = MakeCa("CA");
  Certificate cert =
      ca.IssueForRequest(parsed, LeafOptions({"node-2"}, absl::Now(), absl::Hours(1))).value();
  CHECK(cert.GetPublicKey().value().SpkiDer() == key.GetPublicKey().SpkiDer());

  // Flip a byte of the signature (the last bytes of the DER): no proof of possession.
  Bytes der = csr.ToDer();
  der[der.size() - 3] ^= 0x01;
  CertificateRequest tampered = CertificateRequest::FromDer(der).value();
  absl::Status st = tampered.VerifySelfSignature();
  CHECK(StatusText(st).find("no proof of possession") != std::string::npos);
  CHECK_FALSE(ca.IssueForRequest(tampered, LeafOptions({"x"}, absl::Now(), absl::Hours(1))).ok());
  CHECK_FALSE(CertificateRequest::FromPem("nope").ok());
}

TEST_CASE("Ed25519 CA and P-384 leaf", "[unit]") {
  absl::Time now = absl::Now();
  CertificateAuthority ca =
      CertificateAuthority::CreateSelfSigned(PrivateKey::Generate(KeyType::kEd25519).value(),
                                             {"ed CA"}, now - absl::Hours(1), now + absl::Hours(1))
          .value();
  PrivateKey key = PrivateKey::Generate(KeyType::kP384).value();
  Certificate leaf = ca.Issue(key.GetPublicKey(), LeafOptions({"l"}, now, absl::Hours(1))).value();
  CHECK(VerifyChain(leaf, {}, {ca.certificate()}, now).ok());
  CHECK_FALSE(ca.Issue(PrivateKey::Generate(KeyType::kX25519).value().GetPublicKey(),
                       LeafOptions({"x"}, now, absl::Hours(1)))
                  .ok());
}

TEST_CASE("invalid issue options are refused", "[unit]") {
  CertificateAuthority ca = MakeCa("CA");
  PublicKey key = PrivateKey::Generate(KeyType::kP256).value().GetPublicKey();
  IssueOptions backwards = LeafOptions({"l"}, absl::Now(), absl::Hours(-2));
  CHECK(StatusText(ca.Issue(key, backwards).status()).find("validity") != std::string::npos);
  IssueOptions bad_ip = LeafOptions({"l"}, absl::Now(), absl::Hours(1));
  bad_ip.sans.ips = {"10.0.0.300"};
  CHECK(StatusText(ca.Issue(key, bad_ip).status()).find("invalid IP") != std::string::npos);
  IssueOptions dup = LeafOptions({"l"}, absl::Now(), absl::Hours(1));
  dup.extensions = {{"1.2.3.4", {0x05, 0x00}}, {"1.2.3.4", {0x05, 0x00}}};
  CHECK_FALSE(ca.Issue(key, dup).ok());
  // A CA object needs the matching key.
  CHECK_FALSE(
      CertificateAuthority::Create(ca.certificate(), PrivateKey::Generate(KeyType::kP256).value())
          .ok());
  CHECK(CertificateAuthority::Create(ca.certificate(), ca.key()).ok());
}

TEST_CASE("CRL issue, parse, revocation and signature", "[unit]") {
  absl::Time now = absl::Now();
  CertificateAuthority ca = MakeCa("CA", now);
  Certificate revoked = IssueWorkloadLeaf(ca, "r", "spiffe://t/ns/a/id/r").cert;
  Certificate good = IssueWorkloadLeaf(ca, "g", "spiffe://t/ns/a/id/g").cert;
  Crl crl = Crl::Issue(ca, {revoked.SerialHex()}, now, now + absl::Hours(24)).value();

  Crl parsed = Crl::Parse(AsBytes(crl.ToPem())).value();
  CHECK(Crl::Parse(crl.ToDer()).value().ToDer() == crl.ToDer());
  CHECK(parsed.Issuer() == ca.certificate().Subject());
  CHECK(parsed.LastUpdate() == absl::FromUnixSeconds(absl::ToUnixSeconds(now)));
  CHECK(parsed.NextUpdate().has_value());
  CHECK(parsed.RevokedSerials() == std::vector<std::string>{revoked.SerialHex()});
  CHECK(parsed.IsRevoked(revoked));
  CHECK_FALSE(parsed.IsRevoked(good));
  CHECK(parsed.IsRevoked("00" + revoked.SerialHex()));  // same integer
  CHECK(parsed.VerifySignature(ca.certificate()).ok());

  CertificateAuthority other = MakeCa("CA", now);  // same name, other key
  absl::Status st = parsed.VerifySignature(other.certificate());
  CHECK(StatusText(st).find("CRL signature does not verify") != std::string::npos);
  CertificateAuthority renamed = MakeCa("Other CA", now);
  CHECK(StatusText(parsed.VerifySignature(renamed.certificate())).find("CRL issuer mismatch") !=
        std::string::npos);
  CHECK_FALSE(Crl::Parse(ToBytes("junk")).ok());
}

}  // namespace
}  // namespace c8s::crypto
