#include "lib/attest/manifest_policy.h"

#include <catch2/catch_test_macros.hpp>

#include "lib/manifest/fixtures_for_test.h"

namespace c8s::attest {
namespace {

TEST_CASE("manifest role policies convert with 'empty = not pinned' semantics", "[unit]") {
  manifest::Manifest m = manifest::testing::LoadFixtureManifest("example.json");
  auto p = ManifestRolePolicy(m, m.roles.cds);
  REQUIRE(p.ok());
  REQUIRE(p->snp.has_value());
  CHECK(p->snp->measurements.size() == 2);
  CHECK(p->snp->measurements[0].size() == 48);
  REQUIRE(p->snp->host_data.has_value());
  CHECK(p->snp->host_data->size() == 1);
  CHECK_FALSE(p->snp->chip_ids.has_value());  // [] in the manifest: not pinned
  REQUIRE(p->snp->products.has_value());
  CHECK(*p->snp->products == std::vector<std::string>{"Genoa", "Milan"});
  CHECK(p->snp->min_tcb.microcode == 115);
  CHECK(p->snp->min_abi->major == 1);
  CHECK_FALSE(p->allow_simulated);

  CHECK(ManifestRolePolicy(m, "nope").status().message() ==
        "active manifest has no attestation policy \"nope\" for this role");
  CHECK_FALSE(ManifestRolePolicy(m, "").ok());
}

TEST_CASE("a converted policy refuses claims outside it, naming the field", "[unit]") {
  manifest::Manifest m = manifest::testing::LoadFixtureManifest("example.json");
  auto p = ManifestRolePolicy(m, m.roles.cds);
  REQUIRE(p.ok());
  Claims c;
  c.platform = Platform::kSevSnp;
  c.product = "Milan";
  c.measurement = Bytes(48, 0x11);
  c.host_data = Bytes(32, 0);
  PolicyResult r = EvaluatePolicy(*p, c);
  CHECK_FALSE(r.ok);
  bool named = false;
  for (const std::string& f : r.failures) named |= f.rfind("snp.measurement", 0) == 0;
  CHECK(named);
}

}  // namespace
}  // namespace c8s::attest
