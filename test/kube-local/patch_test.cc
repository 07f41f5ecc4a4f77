#include "test/kube-local/patch.h"

#include <catch2/catch_test_macros.hpp>

namespace c8s::kubelocal {
namespace {

TEST_CASE("strategic merge patch merges named lists and honours directives", "[unit]") {
  nlohmann::json pod = {
      {"spec",
       {{"containers",
         {{{"name", "a"}, {"image", "x:1"}, {"args", {"-v"}}}, {{"name", "b"}, {"image", "y:1"}}}},
        {"tolerations", {"t1", "t2"}}}}};
  nlohmann::json patch = {{"spec",
                           {{"$setElementOrder/containers", {{{"name", "b"}}, {{"name", "a"}}}},
                            {"containers", {{{"name", "a"}, {"image", "x:2"}}}},
                            {"$deleteFromPrimitiveList/tolerations", {"t1"}}}}};
  nlohmann::json out = StrategicMerge(pod, patch);
  REQUIRE(out["spec"]["containers"].size() == 2);
  CHECK(out["spec"]["containers"][0]["name"] == "b");
  CHECK(out["spec"]["containers"][1]["image"] == "x:2");
  CHECK(out["spec"]["containers"][1]["args"] == nlohmann::json{"-v"});  // merged, not replaced
  CHECK(out["spec"]["tolerations"] == nlohmann::json{"t2"});

  nlohmann::json del = {{"spec", {{"containers", {{{"name", "b"}, {"$patch", "delete"}}}}}}};
  CHECK(StrategicMerge(pod, del)["spec"]["containers"].size() == 1);
  nlohmann::json replace = {{"spec", {{"$patch", "replace"}, {"x", 1}}}};
  CHECK(StrategicMerge(pod, replace)["spec"] == nlohmann::json{{"x", 1}});
  CHECK_FALSE(StrategicMerge(pod, {{"spec", nullptr}}).contains("spec"));
}

TEST_CASE("patch types by content type", "[unit]") {
  nlohmann::json cur = {{"a", 1}, {"b", {{"c", 2}}}};
  auto merged = ApplyPatch("application/merge-patch+json", cur, R"({"b":{"c":null,"d":3}})");
  REQUIRE(merged.ok());
  CHECK(*merged == nlohmann::json{{"a", 1}, {"b", {{"d", 3}}}});
  auto json_patch = ApplyPatch("application/json-patch+json; charset=utf-8", cur,
                               R"([{"op":"replace","path":"/a","value":5}])");
  REQUIRE(json_patch.ok());
  CHECK((*json_patch)["a"] == 5);
  CHECK_FALSE(
      ApplyPatch("application/json-patch+json", cur, R"([{"op":"test","path":"/a","value":9}])")
          .ok());
  CHECK_FALSE(ApplyPatch("application/merge-patch+json", cur, "{").ok());
  CHECK(absl::IsUnimplemented(ApplyPatch("application/apply-patch+yaml", cur, "{}").status()));
  CHECK_FALSE(IsSupportedPatchType("application/apply-patch+yaml"));
}

}  // namespace
}  // namespace c8s::kubelocal
