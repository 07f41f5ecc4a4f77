#include "client/sdk/reference_values.h"

#include <catch2/catch_test_macros.hpp>

#include "lib/manifest/fixtures_for_test.h"

namespace c8s::client {
namespace {

const std::string kImage = "sha256:" + std::string(64, 'a');

TEST_CASE("reference values parse, round-trip, and refuse what would weaken them", "[unit]") {
  std::string text = R"({"node": {"allowSimulated": true, "snp": {"measurements": [")" +
                     std::string(96, '5') + R"("]}}, "images": [")" + kImage +
                     R"("], "podRefs": ["c8s-system/cds-0"], "assurance": "full-image"})";
  auto ref = ParseCdsReferenceValues(text);
  INFO(ref.status().ToString());
  REQUIRE(ref.ok());
  CHECK(ref->node->allow_simulated);
  CHECK_FALSE(ref->cds.has_value());
  CHECK(ref->images == std::vector<std::string>{kImage});
  CHECK(ref->assurance == attest::AssuranceLevel::kFullImage);
  auto again = CdsReferenceValuesFromJson(ToJson(*ref));
  REQUIRE(again.ok());
  CHECK(ToJson(*again) == ToJson(*ref));

  struct Case {
    std::string text, error;
  } cases[] = {
      {"[]", "reference values : must be a JSON object"},
      {R"({"images": [")" + kImage + R"("]})", "need a \"node\" or \"cds\" attestation policy"},
      {R"({"node": {}, "images": []})", "reference values images: need at least one"},
      {R"({"node": {}, "images": ["sha256:AB"]})", "want sha256:<64 lowercase hex>"},
      {R"({"node": {}, "images": [")" + kImage + R"("], "imgaes": 1})", "imgaes: unknown field"},
      {R"({"node": {"snp": {"measurement": []}}, "images": [")" + kImage + R"("]})",
       "reference values node: attestation policy snp.measurement: unknown field"},
      {R"({"node": {}, "images": [")" + kImage + R"("], "assurance": "total"})",
       "assurance \"total\""},
      {R"({"node": {}, "node": {}})", "duplicate"},
      {"{", "reference values : "},
  };
  for (const Case& c : cases) {
    auto r = ParseCdsReferenceValues(c.text);
    INFO(c.text << " -> " << r.status().ToString());
    REQUIRE_FALSE(r.ok());
    CHECK(std::string(r.status().message()).find(c.error) != std::string::npos);
  }
}

TEST_CASE("reference values from a manifest use its cds role", "[unit]") {
  manifest::Manifest m = manifest::testing::LoadFixtureManifest("example.json");
  auto ref = CdsReferenceValuesFromManifest(m, {kImage});
  REQUIRE(ref.ok());
  REQUIRE(ref->cds.has_value());
  CHECK(ref->cds->snp->measurements.size() == 2);
  CHECK_FALSE(ref->node.has_value());
  CHECK_FALSE(CdsReferenceValuesFromManifest(m, {}).ok());
  m.roles.cds = "missing";
  CHECK_FALSE(CdsReferenceValuesFromManifest(m, {kImage}).ok());
}

}  // namespace
}  // namespace c8s::client
