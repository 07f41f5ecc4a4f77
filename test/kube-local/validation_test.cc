#include "test/kube-local/validation.h"

#include <catch2/catch_test_macros.hpp>

namespace c8s::kubelocal {
namespace {

const nlohmann::json kSchema = nlohmann::json::parse(R"({
  "type": "object",
  "properties": {
    "spec": {"type": "object", "required": ["mode"], "properties": {
      "mode": {"type": "string", "enum": ["A", "B"]},
      "count": {"type": "integer", "minimum": 1, "maximum": 3, "default": 2},
      "name": {"type": "string", "pattern": "^[a-z]+$", "maxLength": 5},
      "tags": {"type": "array", "maxItems": 2, "items": {"type": "string"}},
      "labels": {"type": "object", "additionalProperties": {"type": "string"}},
      "free": {"type": "object", "x-kubernetes-preserve-unknown-fields": true},
      "port": {"x-kubernetes-int-or-string": true}}}}})");

TEST_CASE("schema defaults, prunes and validates", "[unit]") {
  nlohmann::json obj = {{"apiVersion", "x/v1"},
                        {"kind", "K"},
                        {"metadata", {{"name", "n"}}},
                        {"spec",
                         {{"mode", "A"},
                          {"extra", 1},
                          {"free", {{"any", 1}}},
                          {"labels", {{"k", "v"}}},
                          {"port", "http"}}}};
  SchemaResult r = ApplySchema(kSchema, &obj);
  CHECK(r.causes.empty());
  CHECK(r.unknown_fields == std::vector<std::string>{"spec.extra"});
  CHECK_FALSE(obj["spec"].contains("extra"));
  CHECK(obj["spec"]["count"] == 2);
  CHECK(obj["spec"]["free"]["any"] == 1);
  CHECK(obj["metadata"]["name"] == "n");
}

TEST_CASE("schema errors name the field and the rule", "[unit]") {
  nlohmann::json obj = {{"spec",
                         {{"mode", "C"},
                          {"count", 9},
                          {"name", "ABCDEFG"},
                          {"tags", {"a", "b", "c"}},
                          {"labels", {{"k", 1}}},
                          {"port", 1.5}}}};
  SchemaResult r = ApplySchema(kSchema, &obj);
  std::vector<std::string> fields;
  for (const auto& c : r.causes) fields.push_back(c.field + " " + c.reason);
  auto has = [&](const std::string& s) {
    return std::find(fields.begin(), fields.end(), s) != fields.end();
  };
  CHECK(has("spec.mode FieldValueNotSupported"));
  CHECK(has("spec.count FieldValueInvalid"));
  CHECK(has("spec.name FieldValueTooLong"));
  CHECK(has("spec.name FieldValueInvalid"));
  CHECK(has("spec.tags FieldValueTooMany"));
  CHECK(has("spec.labels.k FieldValueTypeInvalid"));
  CHECK(has("spec.port FieldValueTypeInvalid"));
  nlohmann::json missing = {{"spec", nlohmann::json::object()}};
  SchemaResult m = ApplySchema(kSchema, &missing);
  REQUIRE(m.causes.size() == 1);
  CHECK(m.causes[0].field == "spec.mode");
  CHECK(m.causes[0].reason == "FieldValueRequired");
}

TEST_CASE("metadata names must be RFC 1123 subdomains", "[unit]") {
  CHECK(ValidateMetadata({{"metadata", {{"name", "ok-name.x"}}}}).empty());
  CHECK(ValidateMetadata({{"metadata", {{"name", "Bad_Name"}}}}).size() == 1);
  CHECK(ValidateMetadata({{"metadata", nlohmann::json::object()}}).size() == 1);
  CHECK(ValidateMetadata({{"metadata", {{"name", "a"}, {"labels", {{"k", 1}}}}}}).size() == 1);
}

}  // namespace
}  // namespace c8s::kubelocal
