// The checked-in seed corpus of fuzz/x509: written by the hidden test below (run it with
// `c8s_crypto_test "[.write-x509-corpus]"`), and checked to parse on every test run.
#include <catch2/catch_test_macros.hpp>
#include <filesystem>

#include "lib/base/fd.h"
#include "lib/crypto/cert_profile.h"
#include "lib/crypto/x509_testing.h"
#include "test/support/test_env.h"

namespace c8s::crypto {
namespace {

std::string CorpusDir() { return ::c8s::testing::SourcePath("fuzz/corpus/x509"); }

TEST_CASE("write the x509 fuzz seed corpus", "[.write-x509-corpus]") {
  absl::Time now = absl::FromUnixSeconds(1'780'000'000);
  CertificateAuthority ca = testing::MakeCa("c8s CA", now);
  IssueOptions options = LeafOptions({"node-1", "c8s"}, now, absl::Hours(24));
  options.client_auth = true;
  options.sans = {{"node-1"}, {"10.0.0.7"}, {"spiffe://c8s.test/node/node-1"}};
  C8sClaimsExtension claims;
  claims.platform = "sev-snp";
  claims.measurement_hex = std::string(96, 'a');
  claims.tcb = "bl=3,tee=0,snp=8,ucode=115";
  claims.node_name = "node-1";
  claims.workload_identity = "shop/web";
  claims.manifest_generation = 7;
  claims.assurance_level = "hardware";
  claims.node_serial_hex = "4f0102030405060708090a0b0c0d0e0f";
  claims.approval_mode = ApprovalMode::kOwner;
  claims.manifest_hash = "sha256:" + std::string(64, '0');
  REQUIRE(AddC8sClaims(claims, options).ok());
  Certificate leaf = testing::IssueLeaf(ca, "node-1", options).cert;

  std::filesystem::create_directories(CorpusDir());
  REQUIRE(WriteFile(CorpusDir() + "/ca.der", AsChars(ca.certificate().ToDer())).ok());
  REQUIRE(WriteFile(CorpusDir() + "/node-c8s-claims.der", AsChars(leaf.ToDer())).ok());
  REQUIRE(WriteFile(CorpusDir() + "/bundle.pem", leaf.ToPem() + ca.certificate().ToPem()).ok());
}

TEST_CASE("the x509 seed corpus parses and carries c8s claims", "[unit]") {
  std::vector<Certificate> all;
  for (const auto& entry : std::filesystem::directory_iterator(CorpusDir())) {
    std::string data = ::c8s::testing::ReadTestFile(entry.path().string());
    INFO(entry.path().string());
    std::vector<Certificate> certs = Certificate::ParseAny(AsBytes(data)).value();
    all.insert(all.end(), certs.begin(), certs.end());
  }
  REQUIRE(all.size() == 4);
  int with_claims = 0;
  for (const Certificate& cert : all) {
    C8sClaimsExtension claims = ReadC8sClaims(cert).value();
    if (!claims.empty()) {
      ++with_claims;
      CHECK(claims.platform == "sev-snp");
    }
  }
  CHECK(with_claims == 2);
}

}  // namespace
}  // namespace c8s::crypto
