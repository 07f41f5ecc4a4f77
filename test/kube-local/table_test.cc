#include "test/kube-local/table.h"

#include <catch2/catch_test_macros.hpp>

namespace c8s::kubelocal {
namespace {

const nlohmann::json kObj = {
    {"metadata", {{"name", "prod"}, {"creationTimestamp", "2020-01-01T00:00:00Z"}}},
    {"spec", {{"roles", {"cds", "nodes"}}, {"replicas", 2}}},
    {"status",
     {{"conditions",
       {{{"type", "Proposed"}, {"status", "True"}}, {{"type", "Ready"}, {"status", "False"}}}}}}};

TEST_CASE("jsonpath subset", "[unit]") {
  auto ready = EvalJsonPath(R"(.status.conditions[?(@.type=="Ready")].status)", kObj);
  REQUIRE(ready.ok());
  REQUIRE(ready->size() == 1);
  CHECK((*ready)[0] == "False");
  CHECK((*EvalJsonPath("{.spec.roles[1]}", kObj))[0] == "nodes");
  CHECK((*EvalJsonPath(".spec.roles[-1]", kObj))[0] == "nodes");
  CHECK(EvalJsonPath(".status.conditions[*].type", kObj)->size() == 2);
  CHECK(EvalJsonPath(".spec.missing.deeper", kObj)->empty());
  CHECK_FALSE(EvalJsonPath(".spec[", kObj).ok());
  CHECK_FALSE(EvalJsonPath(".spec[x]", kObj).ok());
  CHECK_FALSE(EvalJsonPath("spec", kObj).ok());
}

TEST_CASE("table rows follow the printer columns", "[unit]") {
  ResourceType t;
  t.group = "c8s.dev";
  t.version = "v1alpha1";
  t.kind = "ConfidentialCluster";
  t.printer_columns_doc = std::make_shared<const nlohmann::json>(nlohmann::json::parse(R"([
    {"name": "Ready", "type": "string", "jsonPath": ".status.conditions[?(@.type==\"Ready\")].status"},
    {"name": "Replicas", "type": "integer", "jsonPath": ".spec.replicas", "priority": 1},
    {"name": "Phase", "type": "string", "jsonPath": ".status.phase"},
    {"name": "Age", "type": "date", "jsonPath": ".metadata.creationTimestamp"}])"));
  nlohmann::json table = ToTable(t, {kObj}, "42", "");
  CHECK(table["kind"] == "Table");
  REQUIRE(table["columnDefinitions"].size() == 5);
  CHECK(table["columnDefinitions"][2]["priority"] == 1);
  const nlohmann::json& cells = table["rows"][0]["cells"];
  CHECK(cells[0] == "prod");
  CHECK(cells[1] == "False");
  CHECK(cells[2] == 2);
  CHECK(cells[3].is_null());
  CHECK(cells[4].get<std::string>().back() == 'y');  // years old
  CHECK(table["rows"][0]["object"]["kind"] == "PartialObjectMetadata");
  CHECK_FALSE(ToTable(t, {kObj}, "1", "None")["rows"][0].contains("object"));
}

TEST_CASE("human durations as kubectl prints ages", "[unit]") {
  CHECK(HumanDuration(5) == "5s");
  CHECK(HumanDuration(130) == "2m10s");
  CHECK(HumanDuration(600) == "10m");
  CHECK(HumanDuration(3 * 3600 + 60) == "3h1m");
  CHECK(HumanDuration(30 * 3600) == "30h");
  CHECK(HumanDuration(3 * 86400) == "3d");
  CHECK(HumanDuration(800 * 86400) == "2y");
}

}  // namespace
}  // namespace c8s::kubelocal
