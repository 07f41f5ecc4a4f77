#include "lib/kube/yaml.h"

#include <catch2/catch_test_macros.hpp>
#include <string>

namespace c8s::kube {
namespace {

TEST_CASE("yaml: documents, core-schema scalars, quoted strings", "[unit]") {
  auto docs = YamlToJson(
      "a: 1\nb: -2.5\nc: true\nd: ~\ne: '7'\nf: !!str 8\ng: [x, \"y\", null]\n---\n---\nk: v\n");
  REQUIRE(docs.ok());
  REQUIRE(docs->size() == 2);  // the empty middle document is skipped
  CHECK((*docs)[0] ==
        nlohmann::json::parse(
            R"({"a":1,"b":-2.5,"c":true,"d":null,"e":"7","f":"8","g":["x","y",null]})"));
  CHECK((*docs)[1] == nlohmann::json{{"k", "v"}});
}

TEST_CASE("yaml: aliases expand to copies of their anchors", "[unit]") {
  auto docs = YamlToJson("base: &b {x: 1, y: [2, 3]}\nuse: *b\nlist: [*b, *b]\n");
  REQUIRE(docs.ok());
  nlohmann::json b = {{"x", 1}, {"y", {2, 3}}};
  CHECK((*docs)[0]["use"] == b);
  CHECK((*docs)[0]["list"] == nlohmann::json::array({b, b}));
}

TEST_CASE("yaml: exponential alias expansion is refused", "[unit]") {
  std::string text = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int i = 1; i < 12; ++i) {
    std::string prev = "*a" + std::to_string(i - 1);
    text += "a" + std::to_string(i) + ": &a" + std::to_string(i) + " [" + prev;
    for (int j = 0; j < 9; ++j) text += ", " + prev;
    text += "]\n";
  }
  auto docs = YamlToJson(text);
  REQUIRE_FALSE(docs.ok());
  CHECK(docs.status().message().find("expands to more than") != std::string::npos);
}

// yaml-cpp 0.7's parser stops consuming tokens on these; YAML::LoadAll then loops forever
// (found by fuzzing in CI: the first one is the reproducer it wrote).
TEST_CASE("yaml: inputs that stall yaml-cpp's parser fail fast", "[unit]") {
  for (const char* text :
       {"a: 1\n---\n \"y\", ~, true, 1.5]\n", "\"y\",", "[a],", "{a: 1},", ","}) {
    INFO(text);
    auto docs = YamlToJson(text);
    REQUIRE_FALSE(docs.ok());
    CHECK(docs.status().message().rfind("yaml: ", 0) == 0);
  }
}

TEST_CASE("yaml: malformed structure names the problem and its place", "[unit]") {
  auto dup = YamlToJson("a: 1\nb: 2\na: 3\n");
  REQUIRE_FALSE(dup.ok());
  CHECK(dup.status().message() == "yaml: duplicate map key \"a\" at line 3, column 1");

  auto complex_key = YamlToJson("? [a, b]\n: c\n");
  REQUIRE_FALSE(complex_key.ok());
  CHECK(complex_key.status().message().find("non-scalar map key") != std::string::npos);

  std::string deep(150, '[');
  auto too_deep = YamlToJson(deep);
  REQUIRE_FALSE(too_deep.ok());

  auto syntax = YamlToJson("a: [1, 2\n");
  REQUIRE_FALSE(syntax.ok());
  CHECK(syntax.status().message().find("line") != std::string::npos);
}

}  // namespace
}  // namespace c8s::kube
