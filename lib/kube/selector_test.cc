#include "lib/kube/selector.h"

#include <catch2/catch_test_macros.hpp>

namespace c8s::kube {
namespace {

TEST_CASE("label selector operators", "[unit]") {
  auto sel = LabelSelector::Parse("app=web, tier!=db,env in (prod, stage),!legacy,team");
  REQUIRE(sel.ok());
  CHECK(sel->requirements().size() == 5);
  nlohmann::json labels = {{"app", "web"}, {"tier", "front"}, {"env", "prod"}, {"team", "a"}};
  CHECK(sel->Matches(labels));
  labels["legacy"] = "yes";
  CHECK_FALSE(sel->Matches(labels));
  labels.erase("legacy");
  labels["env"] = "dev";
  CHECK_FALSE(sel->Matches(labels));
  CHECK(LabelSelector::Parse("x notin (a,b)")->Matches({{"x", "c"}}));
  CHECK_FALSE(LabelSelector::Parse("x notin (a,b)")->Matches({{"x", "a"}}));
  CHECK(LabelSelector().Matches(nullptr));
  CHECK_FALSE(LabelSelector::Parse("a=b")->Matches(nullptr));
}

TEST_CASE("label selector rejects malformed input", "[unit]") {
  CHECK_FALSE(LabelSelector::Parse("a in (b").ok());
  CHECK_FALSE(LabelSelector::Parse("a in ()").ok());
  CHECK_FALSE(LabelSelector::Parse("a b=c").ok());
  CHECK_FALSE(LabelSelector::Parse("a=(b)").ok());
}

TEST_CASE("label selector from matchLabels and matchExpressions", "[unit]") {
  auto sel = LabelSelector::FromJson(
      {{"matchLabels", {{"app", "api"}}},
       {"matchExpressions", {{{"key", "env"}, {"operator", "In"}, {"values", {"prod"}}}}}});
  REQUIRE(sel.ok());
  CHECK(sel->Matches({{"app", "api"}, {"env", "prod"}}));
  CHECK_FALSE(sel->Matches({{"app", "api"}, {"env", "dev"}}));
  CHECK(sel->ToString() == "app=api,env in (prod)");
  CHECK_FALSE(
      LabelSelector::FromJson({{"matchExpressions", {{{"key", "a"}, {"operator", "Near"}}}}}).ok());
}

TEST_CASE("field selector on dotted paths", "[unit]") {
  auto sel = FieldSelector::Parse("metadata.name=api,status.phase!=Failed");
  REQUIRE(sel.ok());
  nlohmann::json obj = {{"metadata", {{"name", "api"}}}, {"status", {{"phase", "Running"}}}};
  CHECK(sel->Matches(obj));
  obj["status"]["phase"] = "Failed";
  CHECK_FALSE(sel->Matches(obj));
  CHECK_FALSE(FieldSelector::Parse("metadata..name=x").ok());
  CHECK_FALSE(FieldSelector::Parse("novalue").ok());
}

}  // namespace
}  // namespace c8s::kube
