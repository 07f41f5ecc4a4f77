#include <algorithm>
#include <catch2/catch_test_macros.hpp>

#include "lib/crypto/hash.h"
#include "lib/crypto/jcs.h"
#include "lib/manifest/fixtures_for_test.h"
#include "lib/manifest/formats.h"
#include "lib/manifest/serialize.h"

namespace c8s::manifest {
namespace {

using testing::LoadFixtureManifest;
using testing::ReadFixture;

TEST_CASE("the example manifest parses into the model", "[unit]") {
  Manifest m = LoadFixtureManifest("example.json");
  CHECK(m.trust_domain == "prod.example.com");
  CHECK(m.approval == ApprovalMode::kOwner);
  REQUIRE(m.owners.size() == 1);
  CHECK(m.owners[0].name == "alice");
  REQUIRE(m.identities.size() == 2);
  const Identity* api = m.FindIdentity("shop/api");
  REQUIRE(api != nullptr);
  CHECK(api->containers[0].args == std::vector<std::string>{"/api", "--port=8080"});
  CHECK(api->runtime.run_as_non_root);
  CHECK(api->allow_from == std::vector<std::string>{"c8s-system/ingress", "shop/web"});
  CHECK(m.attestation_policies.at("nodes-prod").tdx.has_value());
  CHECK_FALSE(m.attestation_policies.at("cds-prod").tdx.has_value());
  REQUIRE(m.secrets.size() == 1);
  CHECK(m.secrets[0].sealed.has_value());
  CHECK_FALSE(m.secrets[0].vault.has_value());
}

TEST_CASE("serialize then parse gives the same model and the same bytes", "[unit]") {
  for (const char* name : {"example.json", "example-v2.json"}) {
    Manifest m = LoadFixtureManifest(name);
    auto again = ParseManifestJson(ToJson(m));
    REQUIRE(again.ok());
    CHECK(*again == m);
    auto canon = CanonicalBytes(m);
    REQUIRE(canon.ok());
    auto reparsed = ParseManifest(*canon);
    REQUIRE(reparsed.ok());
    CHECK(*reparsed == m);
    CHECK(*CanonicalBytes(*reparsed) == *canon);
    CHECK(*ManifestHash(m) == crypto::Sha256Prefixed(AsBytes(*canon)));
    CHECK(ValidateManifest(m).ok());
  }
}

TEST_CASE("the hash file matches and tampered canonical bytes change the hash", "[unit]") {
  std::string canon = ReadFixture("example.canonical.json");
  std::string hash = ReadFixture("example.sha256");
  CHECK(crypto::Sha256Prefixed(AsBytes(canon)) + "\n" == hash);
  std::string tampered = canon;
  size_t pos = tampered.find("\"ports\":[8080]");
  REQUIRE(pos != std::string::npos);
  tampered.replace(pos, 14, "\"ports\":[8081]");
  CHECK(crypto::Sha256Prefixed(AsBytes(tampered)) + "\n" != hash);
}

TEST_CASE("optional fields round-trip as absent or present", "[unit]") {
  Manifest m = LoadFixtureManifest("example.json");
  m.identities[0].containers[0].args.reset();
  m.identities[0].containers[0].env = std::map<std::string, std::string>{};
  m.secrets[0].not_after.reset();
  m.secrets[0].sealed.reset();
  m.secrets[0].vault = VaultSource{"kv/data/shop/db", "password"};
  m.attestation_policies.at("nodes-prod").snp.reset();
  REQUIRE(ValidateManifest(m).ok());
  auto canon = CanonicalBytes(m);
  REQUIRE(canon.ok());
  CHECK(canon->find("\"args\"") == std::string::npos);
  CHECK(canon->find("\"env\":{}") != std::string::npos);
  auto back = ParseManifest(*canon);
  REQUIRE(back.ok());
  CHECK(*back == m);
}

TEST_CASE("Normalize sorts the sets the compiler produced in any order", "[unit]") {
  Manifest m = LoadFixtureManifest("example-v2.json");
  Manifest shuffled = m;
  std::reverse(shuffled.owners.begin(), shuffled.owners.end());
  std::reverse(shuffled.identities.begin(), shuffled.identities.end());
  Identity& api = shuffled.identities.back();
  std::reverse(api.allow_from.begin(), api.allow_from.end());
  std::reverse(api.egress.begin(), api.egress.end());
  api.ports.push_back(8080);  // a duplicate
  auto& measurements = shuffled.attestation_policies.at("nodes-prod").snp->measurements;
  std::reverse(measurements.begin(), measurements.end());
  CHECK_FALSE(ValidateManifest(shuffled).ok());
  Normalize(&shuffled);
  CHECK(ValidateManifest(shuffled).ok());
  CHECK(shuffled == m);
}

TEST_CASE("format checks", "[unit]") {
  struct Case {
    absl::Status status;
    bool ok;
  };
  std::string d64(64, 'a');
  std::vector<Case> cases = {
      {CheckImage("ghcr.io/acme/api@sha256:" + d64, "p"), true},
      {CheckImage("localhost:5000/x@sha256:" + d64, "p"), true},
      {CheckImage("docker.io/library/nginx@sha256:" + d64, "p"), true},
      {CheckImage("nginx@sha256:" + d64, "p"), false},
      {CheckImage("library/nginx@sha256:" + d64, "p"), false},
      {CheckImage("docker.io/library/nginx:1.27@sha256:" + d64, "p"), false},
      {CheckImage("docker.io/library/nginx:1.27", "p"), false},
      {CheckImage("docker.io/library/nginx@sha256:" + std::string(64, 'A'), "p"), false},
      {CheckImage("docker.io/Library/nginx@sha256:" + d64, "p"), false},
      {CheckRef("shop/api", "p"), true},
      {CheckRef("shop", "p"), false},
      {CheckRef("Shop/api", "p"), false},
      {CheckRef("shop/api/x", "p"), false},
      {CheckRfc3339Utc("2028-02-29T23:59:59Z", "p"), true},
      {CheckRfc3339Utc("2027-02-29T00:00:00Z", "p"), false},
      {CheckRfc3339Utc("2027-01-01T00:00:00+01:00", "p"), false},
      {CheckRfc3339Utc("2027-01-01T00:00:00.5Z", "p"), false},
      {CheckCidr("10.0.0.0/8", "p"), true},
      {CheckCidr("10.0.0.1/8", "p"), false},
      {CheckCidr("2001:db8::/32", "p"), true},
      {CheckCidr("2001:DB8::/32", "p"), false},
      {CheckCidr("10.0.0.0/33", "p"), false},
      {CheckCidr("10.0.0.0", "p"), false},
      {CheckHostPath("/var/log", "p"), true},
      {CheckHostPath("/dev/sev-guest", "p"), false},
      {CheckHostPath("/dev", "p"), false},
      {CheckHostPath("/", "p"), false},
      {CheckHostPath("/sys/kernel/config", "p"), false},
      {CheckHostPath("/sys/kernel/config/tsm/report/r0", "p"), false},
      {CheckHostPath("/proc/1/root", "p"), false},
      {CheckHostPath("/var/../dev/sev", "p"), false},
      {CheckHostPath("/var//log", "p"), false},
      {CheckHostPath("/var/log/", "p"), false},
      {CheckHostPath("var/log", "p"), false},
      {CheckHostPath("/devices", "p"), true},
      {CheckDevicePath("/dev/fuse", "p"), true},
      {CheckDevicePath("/dev/sev", "p"), false},
      {CheckDevicePath("/dev/tdx_guest", "p"), false},
      {CheckDevicePath("/tmp/x", "p"), false},
      {CheckCapability("NET_ADMIN", "p"), true},
      {CheckCapability("CAP_NET_ADMIN", "p"), false},
      {CheckLowerHex(std::string(96, 'f'), 96, "p"), true},
      {CheckLowerHex(std::string(95, 'f'), 96, "p"), false},
      {CheckSha256Hash("sha256:" + d64, "p"), true},
      {CheckSha256Hash("sha384:" + d64, "p"), false},
  };
  for (size_t i = 0; i < cases.size(); ++i) {
    INFO("case " << i << ": " << cases[i].status.ToString());
    CHECK(cases[i].status.ok() == cases[i].ok);
  }
}

}  // namespace
}  // namespace c8s::manifest
