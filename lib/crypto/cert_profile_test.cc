#include "lib/crypto/cert_profile.h"

#include <catch2/catch_test_macros.hpp>

#include "lib/base/fd.h"
#include "lib/base/strings.h"
#include "lib/crypto/x509_testing.h"
#include "test/support/test_env.h"

namespace c8s::crypto {
namespace {

using testing::MakeCa;

C8sClaimsExtension FullClaims() {
  C8sClaimsExtension c;
  c.platform = "sev-snp";
  c.measurement_hex = std::string(96, 'a');
  c.tcb = "bl=3,tee=0,snp=8,ucode=115";
  c.node_name = "node-1";
  c.workload_identity = "shop/frontend";
  c.manifest_generation = 7;
  c.assurance_level = "hardware";
  c.node_serial_hex = "4f0102030405060708090a0b0c0d0e0f";
  c.approval_mode = ApprovalMode::kOwner;
  c.manifest_hash = "sha256:" + std::string(64, '0');
  return c;
}

Certificate IssueWith(const CertificateAuthority& ca, const C8sClaimsExtension& claims) {
  IssueOptions options = LeafOptions({"node-1", "c8s"}, absl::Now(), absl::Hours(1));
  options.server_auth = options.client_auth = true;
  options.sans.uris = {"spiffe://c8s.test/ns/shop/id/frontend"};
  REQUIRE(AddC8sClaims(claims, options).ok());
  return ca.Issue(PrivateKey::Generate(KeyType::kP256).value().GetPublicKey(), options).value();
}

TEST_CASE("the OID arc is 2.25 and the table is complete", "[unit]") {
  CHECK(kC8sOidArc.starts_with("2.25."));
  CHECK(C8sClaimOid(1) == StrCat(kC8sOidArc, ".1"));
  REQUIRE(C8sClaimTable().size() == 10);
  for (size_t i = 0; i < C8sClaimTable().size(); ++i) CHECK(C8sClaimTable()[i].arc == int(i) + 1);
}

TEST_CASE("c8s claims round-trip through a certificate, non-critical", "[unit]") {
  CertificateAuthority ca = MakeCa("c8s CA");
  C8sClaimsExtension claims = FullClaims();
  Certificate cert = IssueWith(ca, claims);
  CHECK(ReadC8sClaims(cert).value() == claims);
  for (const ClaimInfo& info : C8sClaimTable()) {
    INFO(info.short_name);
    CHECK(cert.Extension(C8sClaimOid(info.arc)).value().has_value());
    CHECK_FALSE(cert.ExtensionIsCritical(C8sClaimOid(info.arc)));
  }
  CHECK(VerifyChain(cert, {}, {ca.certificate()}, absl::Now()).ok());

  C8sClaimsExtension partial;
  partial.platform = "simulated";
  partial.approval_mode = ApprovalMode::kAutomatic;
  Certificate small = IssueWith(ca, partial);
  CHECK(ReadC8sClaims(small).value() == partial);
  CHECK(ReadC8sClaims(ca.certificate()).value().empty());

  std::vector<std::pair<std::string, std::string>> shown = DescribeC8sClaims(partial);
  REQUIRE(shown.size() == 2);
  CHECK(shown[0] == std::pair<std::string, std::string>{"c8sPlatform", "simulated"});
  CHECK(shown[1] == std::pair<std::string, std::string>{"c8sApprovalMode", "Automatic"});
}

TEST_CASE("malformed c8s extensions are refused by name", "[unit]") {
  CertificateAuthority ca = MakeCa("c8s CA");
  PublicKey key = PrivateKey::Generate(KeyType::kP256).value().GetPublicKey();
  auto issue_raw = [&](int arc, Bytes der, bool critical = false) {
    IssueOptions options = LeafOptions({"x"}, absl::Now(), absl::Hours(1));
    options.extensions.push_back({C8sClaimOid(arc), std::move(der), critical});
    return ca.Issue(key, options).value();
  };
  auto error_of = [](const Certificate& cert) { return StatusText(ReadC8sClaims(cert).status()); };
  // An INTEGER where a UTF8String belongs.
  CHECK(error_of(issue_raw(1, {0x02, 0x01, 0x05})).find("c8sPlatform: not a UTF8String") == 0);
  // Trailing bytes after the OCTET STRING.
  CHECK(error_of(issue_raw(2, {0x04, 0x01, 0xaa, 0x00})).find("c8sMeasurement: trailing") == 0);
  CHECK(error_of(issue_raw(9, {0x0c, 0x03, 'B', 'o', 'b'})).find("want Owner or Automatic") !=
        std::string::npos);
  CHECK(error_of(issue_raw(6, {0x02, 0x01, 0xff})).find("non-negative") != std::string::npos);
  CHECK(error_of(issue_raw(4, {0x0c, 0x01, 'n'}, true)).find("marked critical") !=
        std::string::npos);

  IssueOptions options = LeafOptions({"x"}, absl::Now(), absl::Hours(1));
  C8sClaimsExtension bad_hex;
  bad_hex.measurement_hex = "zz";
  CHECK_FALSE(AddC8sClaims(bad_hex, options).ok());
  REQUIRE(AddC8sClaims(FullClaims(), options).ok());
  CHECK_FALSE(AddC8sClaims(FullClaims(), options).ok());  // twice
}

TEST_CASE("OpenSSL prints the c8s extension names", "[unit]") {
  RegisterC8sOids();
  RegisterC8sOids();  // idempotent
  CertificateAuthority ca = MakeCa("c8s CA");
  Certificate cert = IssueWith(ca, FullClaims());
  std::string text = cert.ToText();
  for (const ClaimInfo& info : C8sClaimTable()) {
    INFO(info.long_name);
    CHECK(text.find(StrCat(info.long_name, ":")) != std::string::npos);
  }

  // The `openssl` command line learns the names from the generated config file.
  ::c8s::testing::TempDir dir;
  REQUIRE(WriteFile(dir.Path("c8s-oids.cnf"), C8sOpenSslConfig()).ok());
  REQUIRE(WriteFile(dir.Path("leaf.pem"), cert.ToPem()).ok());
  testing::CommandResult out =
      testing::RunCommand(StrCat("OPENSSL_CONF=", dir.Path("c8s-oids.cnf"),
                                 " openssl x509 -noout -text -in ", dir.Path("leaf.pem")));
  INFO(out.output);
  REQUIRE(out.exit_code == 0);
  for (const ClaimInfo& info : C8sClaimTable()) {
    INFO(info.long_name);
    CHECK(out.output.find(StrCat(info.long_name, ":")) != std::string::npos);
  }
}

TEST_CASE("a certificate with every c8s extension passes openssl verify; a critical one fails",
          "[unit]") {
  // Acceptance (issue 2): c8s-profile certificates verify with the openssl command line, which
  // only works because every c8s extension is non-critical: the control certificate below
  // carries one c8s extension marked critical and must be refused as unhandled.
  CertificateAuthority ca = MakeCa("c8s CA");
  Certificate full = IssueWith(ca, FullClaims());
  IssueOptions critical = LeafOptions({"node-2", "c8s"}, absl::Now(), absl::Hours(1));
  critical.extensions.push_back({C8sClaimOid(4), {0x0c, 0x01, 'n'}, true});
  Certificate control =
      ca.Issue(PrivateKey::Generate(KeyType::kP256).value().GetPublicKey(), critical).value();

  ::c8s::testing::TempDir dir;
  REQUIRE(WriteFile(dir.Path("ca.pem"), ca.certificate().ToPem()).ok());
  REQUIRE(WriteFile(dir.Path("full.pem"), full.ToPem()).ok());
  REQUIRE(WriteFile(dir.Path("critical.pem"), control.ToPem()).ok());
  auto verify = [&dir](const char* leaf) {
    return testing::RunCommand(
        StrCat("openssl verify -CAfile ", dir.Path("ca.pem"), " ", dir.Path(leaf)));
  };
  testing::CommandResult ok = verify("full.pem");
  INFO(ok.output);
  CHECK(ok.exit_code == 0);
  CHECK(ok.output.find("full.pem: OK") != std::string::npos);
  testing::CommandResult refused = verify("critical.pem");
  INFO(refused.output);
  CHECK(refused.exit_code != 0);
  CHECK(refused.output.find("unhandled critical extension") != std::string::npos);
}

TEST_CASE("every c8s claim is described by its short name, in table order", "[unit]") {
  std::vector<std::pair<std::string, std::string>> shown = DescribeC8sClaims(FullClaims());
  REQUIRE(shown.size() == C8sClaimTable().size());
  for (size_t i = 0; i < shown.size(); ++i) {
    INFO(shown[i].first);
    CHECK(shown[i].first == C8sClaimTable()[i].short_name);
    CHECK_FALSE(shown[i].second.empty());
  }
  CHECK(shown[5].second == "7");                   // c8sManifestGeneration as a decimal number
  CHECK(shown[8].second == "Owner");               // c8sApprovalMode by name
  CHECK(shown[1].second == std::string(96, 'a'));  // c8sMeasurement as lowercase hex
}

}  // namespace
}  // namespace c8s::crypto
