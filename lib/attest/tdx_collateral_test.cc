// The strict scanner that finds the signed bytes of collateral JSON, and the field parsers.
#include "lib/attest/tdx_collateral.h"

#include <catch2/catch_test_macros.hpp>

#include "lib/attest/verify_error.h"
#include "lib/base/strings.h"

namespace c8s::attest {
namespace {

std::string Extract(std::string_view json, std::string_view key) {
  auto r = ExtractJsonMember(json, key);
  return r.ok() ? std::string(*r) : "error: " + StatusText(r.status());
}

TEST_CASE("ExtractJsonMember returns the exact served bytes", "[unit]") {
  // Whitespace, escapes and key order inside the value are kept byte for byte.
  CHECK(Extract(R"({"tcbInfo" : { "b":1,  "a":"x\"}" } ,"signature":"00"})", "tcbInfo") ==
        R"({ "b":1,  "a":"x\"}" })");
  CHECK(Extract(" {\n\"signature\":\"ab\",\n\"tcbInfo\":[1,{\"x\":null}]\n}\n", "tcbInfo") ==
        R"([1,{"x":null}])");
  CHECK(Extract(R"({"a":{"tcbInfo":1},"tcbInfo":2})", "tcbInfo") == "2");  // top level only
}

TEST_CASE("ExtractJsonMember refuses ambiguous or malformed JSON", "[unit]") {
  const std::pair<const char*, const char*> rows[] = {
      {R"({"tcbInfo":1,"tcbInfo":2})",
       "error: collateral json: member \"tcbInfo\" appears twice at offset 23"},
      {R"({"tcbInfo":1} x)", "error: collateral json: trailing data at offset 14"},
      {R"({"tcbInfo":1)", "error: collateral json: expected '}' at offset 12"},
      {R"({"other":1})", "error: collateral json: member \"tcbInfo\" missing"},
      {R"({"tcbInfo":"abc})", "error: collateral json: unterminated string at offset 12"},
      {R"({"tcbInfo":@})", "error: collateral json: unexpected character at offset 11"},
      {R"([1])", "error: collateral json: expected '{' at offset 0"},
  };
  for (const auto& [json, want] : rows) {
    INFO(json);
    CHECK(Extract(json, "tcbInfo") == want);
  }
  std::string deep = "{\"tcbInfo\":" + std::string(100, '[') + std::string(100, ']') + "}";
  CHECK(Extract(deep, "tcbInfo").find("nesting too deep") != std::string::npos);
}

TEST_CASE("SplitSignedJson needs a 64-byte hex signature", "[unit]") {
  auto ok = SplitSignedJson("{\"tcbInfo\":{},\"signature\":\"" + std::string(128, 'a') + "\"}",
                            "tcbInfo");
  REQUIRE(ok.ok());
  CHECK(ok->body == "{}");
  CHECK(ok->signature == Bytes(64, 0xaa));
  auto bad = SplitSignedJson(R"({"tcbInfo":{},"signature":"abcd"})", "tcbInfo");
  CHECK(StatusText(bad.status()) == "collateral tcbInfo: signature is not 128 hex digits");
  CHECK(GetVerifyErrorKind(bad.status()) == VerifyErrorKind::kCollateral);
}

TEST_CASE("TCB info and QE identity field errors name the field", "[unit]") {
  CHECK(StatusText(ParseTdxTcbInfo(R"({"id":"SGX","version":3})").status()) ==
        "tcbInfo.id: got SGX version 3, want TDX version 3");
  CHECK(StatusText(ParseTdxTcbInfo(R"({"id":"TDX","version":3})").status()) ==
        "tcbInfo.issueDate: missing");
  CHECK(StatusText(ParseQeIdentity(R"({"id":"TD_QE","version":"2"})").status()) ==
        "enclaveIdentity.version: want an integer 0..1000");
  CHECK(StatusText(ParseQeIdentity("not json").status()) == "enclaveIdentity: not a JSON object");
}

}  // namespace
}  // namespace c8s::attest
