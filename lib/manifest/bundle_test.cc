#include "lib/manifest/bundle.h"

#include <catch2/catch_test_macros.hpp>

#include "lib/crypto/jcs.h"
#include "lib/manifest/fixtures_for_test.h"
#include "lib/manifest/serialize.h"

namespace c8s::manifest {
namespace {

using testing::LoadFixtureManifest;
using testing::LoadFixturePrivateKey;
using testing::LoadFixturePublicKey;
using testing::ReadFixture;

template <typename T>
T Ok(absl::StatusOr<T> v) {
  INFO(v.status().ToString());
  REQUIRE(v.ok());
  return *std::move(v);
}

BundleInfrastructure Infra(std::vector<std::string> cds, std::vector<std::string> api_server,
                           std::vector<std::string> dns) {
  BundleInfrastructure infra;
  infra.cds = std::move(cds);
  infra.api_server = std::move(api_server);
  infra.dns = std::move(dns);
  return infra;
}

const BundleInfrastructure kInfra =
    Infra({"10.0.0.6:7443", "10.0.0.5:7443"}, {"10.0.0.1:443"}, {"[fd00::a]:53"});

TEST_CASE("DeriveBundle is a pure function of its inputs", "[unit]") {
  Manifest m = LoadFixtureManifest("example-v2.json");
  std::vector<BundleNode> nodes = {{"node-2", "10.0.0.12", 15443}, {"node-1", "10.0.0.11", 15443}};
  std::vector<BundleNode> reversed(nodes.rbegin(), nodes.rend());
  PolicyBundle a = Ok(DeriveBundle(m, 2, nodes, kInfra, "2026-11-22T10:00:05Z"));
  PolicyBundle b = Ok(DeriveBundle(m, 2, reversed, kInfra, "2026-11-22T10:00:05Z"));
  CHECK(a == b);
  CHECK(Ok(CanonicalBytes(a)) == Ok(CanonicalBytes(b)));
  CHECK(a.nodes[0].name == "node-1");
  CHECK(a.infrastructure.cds == std::vector<std::string>{"10.0.0.5:7443", "10.0.0.6:7443"});
  CHECK(a.manifest_hash == Ok(ManifestHash(m)));
  CHECK(a.trust_domain == "prod.example.com");
  REQUIRE(a.identities.size() == m.identities.size());
  CHECK(a.identities[0].runtime == m.identities[0].runtime);
  CHECK(a.identities[0].allow_from == m.identities[0].allow_from);
  std::string canon = Ok(CanonicalBytes(a));
  CHECK(canon.find("\"derived\":true,\"dns\"") != std::string::npos);  // infrastructure
  CHECK(canon.find("\"address\":\"10.0.0.11\",\"derived\":true") != std::string::npos);
  CHECK(canon.find("\"approval\":\"Owner\"") != std::string::npos);
  // Inputs that would not parse back are refused at derivation time.
  CHECK_FALSE(
      DeriveBundle(m, 2, {{"node-1", "10.0.0.300", 1}}, kInfra, "2026-11-22T10:00:05Z").ok());
  CHECK_FALSE(DeriveBundle(m, 2, nodes, Infra({"cds"}, {}, {}), "2026-11-22T10:00:05Z").ok());
  CHECK_FALSE(DeriveBundle(m, 2, nodes, kInfra, "yesterday").ok());
}

TEST_CASE("optional infrastructure lists: metadata, time, meshCidrs", "[unit]") {
  Manifest m = LoadFixtureManifest("example-v2.json");
  BundleInfrastructure infra = kInfra;
  infra.metadata = {"169.254.169.254:80"};
  infra.time = {"169.254.169.123:123", "169.254.169.123:123"};
  infra.mesh_cidrs = {"10.96.0.0/12", "10.244.0.0/16"};
  PolicyBundle b = Ok(DeriveBundle(m, 2, {}, infra, "2026-11-22T10:00:05Z"));
  CHECK(b.infrastructure.time == std::vector<std::string>{"169.254.169.123:123"});
  CHECK(b.infrastructure.mesh_cidrs == std::vector<std::string>{"10.244.0.0/16", "10.96.0.0/12"});
  CHECK(Ok(ParseBundleJson(ToJson(b))) == b);
  // Absent lists are not written, so bundles without them keep their canonical bytes.
  PolicyBundle plain = Ok(DeriveBundle(m, 2, {}, kInfra, "2026-11-22T10:00:05Z"));
  CHECK(ToJson(plain)["infrastructure"].size() == 4);
  nlohmann::json bad = ToJson(b);
  bad["infrastructure"]["meshCidrs"] = {"10.244.0.1/16"};
  auto refused = ParseBundleJson(bad);
  REQUIRE_FALSE(refused.ok());
  CHECK(std::string(refused.status().message()).find("infrastructure.meshCidrs[0]") !=
        std::string::npos);
  bad = ToJson(b);
  bad["infrastructure"]["time"] = {"ntp.example:123"};
  CHECK_FALSE(ParseBundleJson(bad).ok());
}

TEST_CASE("signed bundles verify; tampering, other domains and rollbacks are refused", "[unit]") {
  Manifest m = LoadFixtureManifest("example-v2.json");
  crypto::PrivateKey ca = LoadFixturePrivateKey("ca.key.pem");
  crypto::PublicKey ca_pub = LoadFixturePublicKey("ca.pub.pem");
  PolicyBundle bundle = Ok(DeriveBundle(m, 7, {}, kInfra, "2026-11-22T10:00:05Z"));
  std::string wire = Ok(SignBundle(bundle, ca));
  CHECK(Ok(VerifyBundle(wire, ca_pub, "prod.example.com", 7)) == bundle);
  CHECK(Ok(VerifyBundle(wire, ca_pub, "prod.example.com", 0)) == bundle);

  auto rollback = VerifyBundle(wire, ca_pub, "prod.example.com", 8);
  REQUIRE_FALSE(rollback.ok());
  CHECK(std::string(rollback.status().message()) ==
        "policy bundle rollback: generation 7 is below the enforced generation 8");
  auto domain = VerifyBundle(wire, ca_pub, "dev.example.com", 0);
  REQUIRE_FALSE(domain.ok());
  CHECK(std::string(domain.status().message()).find("trust domain prod.example.com") !=
        std::string::npos);

  std::string tampered = wire;
  size_t pos = tampered.find("\"privileged\":false");
  REQUIRE(pos != std::string::npos);
  tampered.replace(pos, 18, "\"privileged\":true ");
  auto bad = VerifyBundle(tampered, ca_pub, "prod.example.com", 0);
  REQUIRE_FALSE(bad.ok());
  CHECK(std::string(bad.status().message()).find("bad CA signature") != std::string::npos);

  auto other = crypto::PrivateKey::Generate(crypto::KeyType::kP256);
  REQUIRE(other.ok());
  CHECK_FALSE(VerifyBundle(wire, other->GetPublicKey(), "prod.example.com", 0).ok());
  CHECK_FALSE(VerifyBundle("{\"bundle\":{},\"signature\":\"AA==\",\"x\":1}", ca_pub, "a", 0).ok());
  CHECK_FALSE(VerifyBundle("not json", ca_pub, "a", 0).ok());
  auto ed = crypto::PrivateKey::Generate(crypto::KeyType::kEd25519);
  REQUIRE(ed.ok());
  CHECK_FALSE(SignBundle(bundle, *ed).ok());
}

TEST_CASE("a CA-signed bundle with an unknown field or derived:false is still refused", "[unit]") {
  crypto::PrivateKey ca = LoadFixturePrivateKey("ca.key.pem");
  crypto::PublicKey ca_pub = LoadFixturePublicKey("ca.pub.pem");
  auto doc = crypto::ParseStrictJson(ReadFixture("bundle.canonical.json"));
  REQUIRE(doc.ok());
  auto sign = [&](const nlohmann::json& bundle) {
    std::string canon = Ok(crypto::CanonicalJson(bundle));
    Bytes sig = Ok(ca.Sign(AsBytes(StrCat(kBundleSignatureContext, canon))));
    return Ok(crypto::CanonicalJson({{"bundle", bundle}, {"signature", Base64Encode(sig)}}));
  };
  CHECK(VerifyBundle(sign(*doc), ca_pub, "prod.example.com", 0).ok());
  nlohmann::json extra = *doc;
  extra["identities"][0]["runtime"]["seccomp"] = "unconfined";
  auto r1 = VerifyBundle(sign(extra), ca_pub, "prod.example.com", 0);
  REQUIRE_FALSE(r1.ok());
  CHECK(std::string(r1.status().message()) ==
        "bundle.identities[0].runtime.seccomp: unknown field");
  nlohmann::json underived = *doc;
  underived["infrastructure"]["derived"] = false;
  auto r2 = VerifyBundle(sign(underived), ca_pub, "prod.example.com", 0);
  REQUIRE_FALSE(r2.ok());
  CHECK(std::string(r2.status().message()) == "bundle.infrastructure.derived: must be true");
}

}  // namespace
}  // namespace c8s::manifest
