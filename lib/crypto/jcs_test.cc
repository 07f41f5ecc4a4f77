#include "lib/crypto/jcs.h"

#include <bit>
#include <catch2/catch_test_macros.hpp>
#include <cmath>
#include <cstdint>
#include <limits>
#include <sstream>

#include "lib/base/strings.h"
#include "test/support/test_env.h"

namespace c8s::crypto {
namespace {

std::string Fixture(std::string_view name) {
  return testing::ReadTestFile(testing::SourcePath(StrCat("test/fixtures/crypto/rfc8785/", name)));
}

std::string Canon(std::string_view text) {
  auto doc = ParseStrictJson(text);
  REQUIRE(doc.ok());
  auto canon = CanonicalJson(*doc);
  REQUIRE(canon.ok());
  return *canon;
}

// The error message of parsing `text`, which must fail.
std::string ParseError(std::string_view text, int max_depth = 64) {
  auto doc = ParseStrictJson(text, max_depth);
  REQUIRE_FALSE(doc.ok());
  return StatusText(doc.status());
}

TEST_CASE("JCS reproduces the RFC 8785 §3.2.2 and §3.2.3 examples byte for byte", "[unit]") {
  for (std::string_view name : {"values", "sorting", "weird"}) {
    INFO(name);
    CHECK(Canon(Fixture(StrCat(name, ".input.json"))) == Fixture(StrCat(name, ".output.json")));
  }
}

TEST_CASE("JCS sorts keys by UTF-16 code units, not UTF-8 bytes", "[unit]") {
  // U+1F600 (UTF-16 D83D DE00) sorts before U+FB33, though its UTF-8 (F0...) sorts after EF...
  nlohmann::json doc = {{"\xEF\xAC\xB3", 1}, {"\xF0\x9F\x98\x80", 2}, {"a", 3}};
  CHECK(*CanonicalJson(doc) == "{\"a\":3,\"\xF0\x9F\x98\x80\":2,\"\xEF\xAC\xB3\":1}");
}

TEST_CASE("JCS numbers match the RFC 8785 Appendix B table", "[unit]") {
  std::istringstream table(Fixture("numbers.txt"));
  std::string line;
  int rows = 0;
  while (std::getline(table, line)) {
    if (line.empty() || line[0] == '#') continue;
    const std::string hex = line.substr(0, 16);
    const std::string want = line.substr(17);
    const double d = std::bit_cast<double>(std::stoull(hex, nullptr, 16));
    INFO(hex << " -> " << want);
    ++rows;
    auto canon = CanonicalJson(nlohmann::json(d));
    if (want == "error") {
      CHECK_FALSE(canon.ok());
      continue;
    }
    CHECK(FormatEcmaScriptNumber(d) == want);
    if (std::fabs(d) > 9007199254740992.0 && std::fabs(d) < 1e21) {
      // Plain-integer forms beyond 2^53 would not re-parse; CanonicalJson refuses them.
      REQUIRE_FALSE(canon.ok());
      CHECK(StatusText(canon.status()) ==
            StrCat("canonical json: number ", want, " is an integer that exceeds 2^53"));
      continue;
    }
    REQUIRE(canon.ok());
    CHECK(*canon == want);
    if (d != 0) CHECK(Canon(want) == want);  // the text form re-parses to itself
  }
  CHECK(rows == 26);
}

TEST_CASE("JCS number layout follows ECMAScript Number.toString", "[unit]") {
  CHECK(FormatEcmaScriptNumber(-0.0) == "0");
  CHECK(FormatEcmaScriptNumber(1e21) == "1e+21");
  CHECK(FormatEcmaScriptNumber(1e-7) == "1e-7");
  CHECK(FormatEcmaScriptNumber(1.5e-7) == "1.5e-7");
  CHECK(FormatEcmaScriptNumber(0.000001) == "0.000001");
  CHECK(FormatEcmaScriptNumber(123.456) == "123.456");
  CHECK(FormatEcmaScriptNumber(100) == "100");
  CHECK(FormatEcmaScriptNumber(-1e300) == "-1e+300");
  CHECK(Canon("[4.0, -0, -0.0, 1E2, 25e-1]") == "[4,0,0,100,2.5]");
  CHECK(Canon("9007199254740992") == "9007199254740992");
  CHECK(Canon("-9007199254740992") == "-9007199254740992");
}

TEST_CASE("JCS escapes only quote, backslash and C0 controls", "[unit]") {
  CHECK(Canon(R"(["\u0000\u001f\b\t\n\f\r\"\\\/\u007f\u00e9"])") ==
        "[\"\\u0000\\u001f\\b\\t\\n\\f\\r\\\"\\\\/\x7f\xC3\xA9\"]");
}

TEST_CASE("strict parser refuses duplicate keys, naming key and offset", "[unit]") {
  CHECK(ParseError(R"({"a":1,"b":{"x":1,"x":2}})") ==
        R"(json: duplicate object key "x" at byte 18)");
  // Escapes resolve before the comparison: "\u0061" is "a".
  CHECK(ParseError(R"({"a":1,"\u0061":2})") == R"(json: duplicate object key "a" at byte 7)");
}

TEST_CASE("strict parser refuses bad UTF-8 and lone surrogates", "[unit]") {
  CHECK(ParseError("[\"ok\xC3\"]") == "json: invalid UTF-8 in string at byte 4");
  CHECK(ParseError("[\"\xC0\xAF\"]") == "json: invalid UTF-8 in string at byte 2");  // overlong
  CHECK(ParseError("[\"\xED\xA0\x80\"]") == "json: invalid UTF-8 in string at byte 2");
  CHECK(ParseError("\"\xF4\x90\x80\x80\"") == "json: invalid UTF-8 in string at byte 1");
  CHECK(ParseError(R"(["\ud83d"])") ==
        "json: lone surrogate \\ud83d (high surrogate not followed by a low surrogate) at byte 2");
  CHECK(ParseError(R"(["\ud83d\u0041"])") ==
        "json: lone surrogate \\ud83d (high surrogate not followed by a low surrogate) at byte 2");
  CHECK(ParseError(R"(["x\ude00"])") ==
        "json: lone surrogate \\ude00 (low surrogate without high) at byte 3");
  CHECK(ParseError("[\"a\nb\"]") == "json: unescaped control character 0x0a in string at byte 3");
}

TEST_CASE("strict parser refuses integers beyond 2^53 and non-finite numbers", "[unit]") {
  CHECK(ParseError("9007199254740993") == "json: integer 9007199254740993 exceeds 2^53 at byte 0");
  CHECK(ParseError("[-9007199254740993]") ==
        "json: integer -9007199254740993 exceeds 2^53 at byte 1");
  CHECK(ParseError("123456789012345678901234567890") ==
        "json: integer 123456789012345678901234567890 exceeds 2^53 at byte 0");
  CHECK(ParseError("[1e400]") ==
        "json: number 1e400 is outside the IEEE-754 double range (not finite or underflows) at "
        "byte 1");
  CHECK(ParseError("NaN") == "json: unexpected 'N', expected a value at byte 0");
  CHECK(ParseError("[Infinity]") == "json: unexpected 'I', expected a value at byte 1");
  CHECK(ParseError("[01]") == "json: invalid number: leading zero at byte 1");
  CHECK(ParseError("[1.]") == "json: invalid number: expected a digit after '.' at byte 1");
}

TEST_CASE("strict parser refuses deep nesting and trailing content", "[unit]") {
  CHECK(ParseStrictJson("[[[1]]]", 3).ok());
  CHECK(ParseError("[[[1]]]", 2) == "json: nesting deeper than the maximum depth 2 at byte 2");
  CHECK(ParseError(std::string(100000, '[')) ==
        "json: nesting deeper than the maximum depth 64 at byte 64");
  CHECK(ParseError("{} x") == "json: trailing content 'x' at byte 3");
  CHECK(ParseError("{}{}") == "json: trailing content '{' at byte 2");
  CHECK(ParseError("") == "json: unexpected end of input, expected a value at byte 0");
  CHECK(ParseError("{\"a\":1,}") == "json: unexpected '}', expected an object key at byte 7");
  CHECK(ParseError("\xEF\xBB\xBF{}") == "json: unexpected byte 0xef, expected a value at byte 0");
  CHECK(ParseStrictJson(" \t\r\n{}\n ").ok());
}

TEST_CASE("CanonicalJson refuses values JSON cannot carry", "[unit]") {
  using Limits = std::numeric_limits<double>;
  CHECK(StatusText(CanonicalJson(nlohmann::json(Limits::quiet_NaN())).status()) ==
        "canonical json: NaN has no JSON representation (RFC 8785 §3.2.2.3)");
  CHECK(StatusText(CanonicalJson(nlohmann::json(-Limits::infinity())).status()) ==
        "canonical json: Infinity has no JSON representation (RFC 8785 §3.2.2.3)");
  CHECK(StatusText(CanonicalJson(nlohmann::json(uint64_t{9007199254740993})).status()) ==
        "canonical json: integer 9007199254740993 exceeds 2^53");
  CHECK(StatusText(CanonicalJson(nlohmann::json(int64_t{-9007199254740993})).status()) ==
        "canonical json: integer -9007199254740993 exceeds 2^53");
  CHECK(StatusText(CanonicalJson(nlohmann::json("bad\xFF")).status()) ==
        "canonical json: invalid UTF-8 at byte 3 of string \"bad\\xff\"");
  CHECK(!CanonicalJson(nlohmann::json::binary({1, 2})).ok());
}

}  // namespace
}  // namespace c8s::crypto
