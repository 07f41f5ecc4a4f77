#include "lib/base/bytes.h"

#include <catch2/catch_test_macros.hpp>

namespace c8s {
namespace {

TEST_CASE("hex round-trips and rejects bad input", "[unit]") {
  Bytes data = {0x00, 0xab, 0xff, 0x10};
  CHECK(HexEncode(data) == "00abff10");
  CHECK(*HexDecode("00ABff10") == data);
  CHECK(HexDecode("abc").status().message() == "hex: odd length 3");
  CHECK(HexDecode("zz").status().message() == "hex: invalid character at offset 0");
  CHECK(HexDecode("0g").status().message() == "hex: invalid character at offset 1");
}

TEST_CASE("base64 matches RFC 4648 test vectors", "[unit]") {
  // RFC 4648 §10.
  const std::pair<const char*, const char*> vectors[] = {
      {"", ""},         {"f", "Zg=="},         {"fo", "Zm8="},        {"foo", "Zm9v"},
      {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="}, {"foobar", "Zm9vYmFy"}};
  for (auto [plain, encoded] : vectors) {
    CHECK(Base64Encode(AsBytes(plain)) == encoded);
    CHECK(ToString(*Base64Decode(encoded)) == plain);
  }
  CHECK(Base64UrlEncode(Bytes{0xfb, 0xff}) == "-_8");
  CHECK(*Base64UrlDecode("-_8") == Bytes{0xfb, 0xff});
}

TEST_CASE("base64 decoding is strict", "[unit]") {
  CHECK_FALSE(Base64Decode("Zg=").ok());     // wrong length
  CHECK_FALSE(Base64Decode("Zh==").ok());    // non-zero padding bits
  CHECK_FALSE(Base64Decode("Z g=").ok());    // whitespace
  CHECK_FALSE(Base64Decode("Zm9v\n").ok());
  CHECK_FALSE(Base64UrlDecode("A").ok());
}

TEST_CASE("constant-time comparison", "[unit]") {
  CHECK(ConstantTimeEquals(Bytes{1, 2, 3}, Bytes{1, 2, 3}));
  CHECK_FALSE(ConstantTimeEquals(Bytes{1, 2, 3}, Bytes{1, 2, 4}));
  CHECK_FALSE(ConstantTimeEquals(Bytes{1, 2}, Bytes{1, 2, 3}));
}

}  // namespace
}  // namespace c8s
