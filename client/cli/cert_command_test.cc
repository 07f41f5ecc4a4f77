#include "client/cli/cert_command.h"

#include <catch2/catch_test_macros.hpp>
#include <nlohmann/json.hpp>
#include <sstream>

#include "client/cli/app.h"
#include "lib/base/fd.h"
#include "lib/crypto/cert_profile.h"
#include "lib/crypto/x509_testing.h"
#include "test/support/test_env.h"

namespace c8s::cli {
namespace {

struct Run {
  int code;
  std::string out, err;
};

Run Cert(std::vector<std::string> args) {
  std::ostringstream out, err;
  CLI::App app("c8sctl", "c8sctl");
  CommandContext ctx{out, err};
  RegisterCertCommands(app, ctx);
  args.insert(args.begin(), "cert");
  std::vector<std::string> reversed(args.rbegin(), args.rend());
  app.parse(reversed);
  return {ctx.exit_code, out.str(), err.str()};
}

crypto::Certificate NodeLeaf(const crypto::CertificateAuthority& ca) {
  crypto::IssueOptions options =
      crypto::LeafOptions({"node-1", "c8s"}, absl::Now(), absl::Hours(24));
  options.sans = {{"node-1"}, {"10.0.0.7"}, {"spiffe://c8s.test/node/node-1"}};
  crypto::C8sClaimsExtension claims;
  claims.platform = "sev-snp";
  claims.measurement_hex = "ab01";
  claims.manifest_generation = 3;
  claims.approval_mode = crypto::ApprovalMode::kOwner;
  REQUIRE(crypto::AddC8sClaims(claims, options).ok());
  return crypto::testing::IssueLeaf(ca, "node-1", options).cert;
}

struct Files {
  ::c8s::testing::TempDir dir;
  crypto::CertificateAuthority ca = crypto::testing::MakeCa("c8s CA");
  crypto::Certificate leaf = NodeLeaf(ca);
};

TEST_CASE("cert inspect prints a PEM bundle with c8s extensions by name", "[unit]") {
  Files f;
  std::string path = f.dir.Path("bundle.pem");
  REQUIRE(WriteFile(path, f.leaf.ToPem() + f.ca.certificate().ToPem()).ok());
  Run r = Cert({"inspect", path});
  INFO(r.out << r.err);
  CHECK(r.code == kExitOk);
  CHECK(r.out.find("certificate 1 of 2") != std::string::npos);
  CHECK(r.out.find("certificate 2 of 2") != std::string::npos);
  CHECK(r.out.find("subject:     CN=node-1,O=c8s") != std::string::npos);
  CHECK(r.out.find("serial:      " + f.leaf.SerialHex()) != std::string::npos);
  CHECK(r.out.find("key:         P-256") != std::string::npos);
  CHECK(r.out.find("IP:          10.0.0.7") != std::string::npos);
  CHECK(r.out.find("URI:         spiffe://c8s.test/node/node-1") != std::string::npos);
  CHECK(r.out.find("c8sPlatform (" + crypto::C8sClaimOid(1) + "): sev-snp") != std::string::npos);
  CHECK(r.out.find("c8sMeasurement (" + crypto::C8sClaimOid(2) + "): ab01") != std::string::npos);
  CHECK(r.out.find("c8sApprovalMode (" + crypto::C8sClaimOid(9) + "): Owner") != std::string::npos);
}

TEST_CASE("cert inspect --json on a DER file", "[unit]") {
  Files f;
  std::string path = f.dir.Path("leaf.der");
  Bytes der = f.leaf.ToDer();
  REQUIRE(WriteFile(path, AsChars(der)).ok());
  Run r = Cert({"inspect", "--json", path});
  REQUIRE(r.code == kExitOk);
  nlohmann::json j = nlohmann::json::parse(r.out);
  REQUIRE(j.size() == 1);
  CHECK(j[0]["subject"] == "CN=node-1,O=c8s");
  CHECK(j[0]["issuer"] == "CN=c8s CA,O=c8s");
  CHECK(j[0]["serial"] == f.leaf.SerialHex());
  CHECK(j[0]["keyType"] == "P-256");
  CHECK(j[0]["isCA"] == false);
  CHECK(j[0]["sans"]["dns"] == nlohmann::json::array({"node-1"}));
  CHECK(j[0]["c8s"]["c8sPlatform"] == "sev-snp");
  CHECK(j[0]["c8s"]["c8sManifestGeneration"] == 3);
}

TEST_CASE("cert inspect refuses unreadable input with a usage exit code", "[unit]") {
  Files f;
  std::string path = f.dir.Path("junk.pem");
  REQUIRE(WriteFile(path, "-----BEGIN CERTIFICATE-----\n!!\n-----END CERTIFICATE-----\n").ok());
  Run r = Cert({"inspect", path});
  CHECK(r.code == kExitUsage);
  CHECK(r.err.find("c8sctl cert inspect: " + path) == 0);
  CHECK(Cert({"inspect", f.dir.Path("missing")}).code == kExitUsage);
}

TEST_CASE("cert openssl-config names every c8s OID", "[unit]") {
  Run r = Cert({"openssl-config"});
  CHECK(r.code == kExitOk);
  CHECK(r.out == crypto::C8sOpenSslConfig());
  CHECK(r.out.find("c8sPlatform = c8s platform, " + crypto::C8sClaimOid(1)) != std::string::npos);
}

}  // namespace
}  // namespace c8s::cli
