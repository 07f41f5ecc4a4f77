#include "operator/compile.h"

#include <algorithm>
#include <catch2/catch_test_macros.hpp>
#include <random>

#include "lib/base/fd.h"
#include "lib/kube/yaml.h"
#include "lib/manifest/parse.h"
#include "lib/manifest/serialize.h"
#include "test/support/test_env.h"

namespace c8s::op {
namespace {

using nlohmann::json;

json Load(const std::string& file) {
  auto text = ReadFile(c8s::testing::SourcePath("crds/samples/" + file));
  REQUIRE(text.ok());
  auto docs = kube::YamlToJson(*text);
  REQUIRE(docs.ok());
  return (*docs)[0];
}

CompileInputs Samples() {
  CompileInputs in;
  in.cluster = Load("10-confidentialcluster.yaml");
  in.policies = {Load("20-attestationpolicy.yaml")};
  in.identities = {Load("30-workloadidentity.yaml"), Load("31-workloadidentity-web.yaml")};
  in.secrets = {Load("40-secretrelease.yaml")};
  in.ingresses = {Load("50-confidentialingress.yaml")};
  return in;
}

TEST_CASE("the samples compile to the golden manifest", "[unit]") {
  auto out = CompileManifest(Samples());
  REQUIRE(out.ok());
  for (const Rejection& r : out->rejected)
    UNSCOPED_INFO(r.kind << " " << r.ref << ": " << r.message);
  CHECK(out->rejected.empty());
  std::string golden_path = c8s::testing::SourcePath("operator/testdata/samples_manifest.json");
  std::string pretty = manifest::PrettyJson(manifest::ToJson(out->manifest));
  if (std::getenv("C8S_UPDATE_GOLDEN") != nullptr) REQUIRE(WriteFile(golden_path, pretty).ok());
  auto golden = ReadFile(golden_path);
  REQUIRE(golden.ok());
  CHECK(pretty == *golden);
  auto reparsed = manifest::ParseManifest(out->canonical);  // valid per lib/manifest
  REQUIRE(reparsed.ok());
  CHECK(*reparsed == out->manifest);
  CHECK(out->manifest.roles.nodes == "cvm-prod");
  CHECK(out->manifest.identities[0].ref == "shop/api");
}

TEST_CASE("compilation is deterministic whatever the object order", "[unit]") {
  CompileInputs in = Samples();
  json base_wid = in.identities[0];
  for (int i = 0; i < 20; ++i) {
    json w = base_wid;
    w["metadata"]["name"] = "svc-" + std::to_string(i);
    w["spec"]["ports"] = {9000 - i, 8000 + i};
    w["spec"]["dnsNames"] = {"z.example", "a.example"};
    in.identities.push_back(w);
  }
  auto first = CompileManifest(in);
  REQUIRE(first.ok());
  std::mt19937 rng(7);
  for (int round = 0; round < 5; ++round) {
    std::shuffle(in.identities.begin(), in.identities.end(), rng);
    auto again = CompileManifest(in);
    REQUIRE(again.ok());
    CHECK(again->hash == first->hash);
    CHECK(again->canonical == first->canonical);
  }
}

TEST_CASE("bad objects are rejected individually, roles must be served", "[unit]") {
  CompileInputs in = Samples();
  json bad = in.identities[0];
  bad["metadata"]["name"] = "bad";
  bad["spec"]["containers"] = {{{"image", "not-pinned:latest"}}};
  bad["spec"]["dnsNames"] = {"bad.shop.svc.cluster.local"};
  in.identities.push_back(bad);
  json second = in.policies[0];
  second["metadata"]["name"] = "zz-other";
  in.policies.push_back(second);
  auto out = CompileManifest(in);
  REQUIRE(out.ok());
  for (const Rejection& r : out->rejected)
    UNSCOPED_INFO(r.kind << " " << r.ref << ": " << r.message);
  REQUIRE(out->rejected.size() == 2);
  CHECK(out->rejected[1].ref == "shop/bad");
  CHECK(out->manifest.identities.size() == 2);
  CHECK(out->manifest.attestation_policies.size() == 1);

  CompileInputs no_roles = Samples();
  no_roles.policies[0]["spec"]["roles"] = {"nodes"};
  CHECK_FALSE(CompileManifest(no_roles).ok());
  CompileInputs no_cluster = Samples();
  no_cluster.cluster = nullptr;
  CHECK_FALSE(CompileManifest(no_cluster).ok());
}

}  // namespace
}  // namespace c8s::op
