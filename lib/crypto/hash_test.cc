#include "lib/crypto/hash.h"

#include <catch2/catch_test_macros.hpp>

namespace c8s::crypto {
namespace {

TEST_CASE("SHA-2 digests match FIPS 180 examples", "[unit]") {
  CHECK(HexEncode(Sha256(AsBytes("abc"))) ==
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(Sha256Prefixed(AsBytes("")) ==
        "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(HexEncode(Sha384(AsBytes("abc"))).substr(0, 16) == "cb00753f45a35e8b");
  CHECK(HexEncode(Sha512(AsBytes("abc"))).substr(0, 16) == "ddaf35a193617aba");
}

TEST_CASE("HKDF-SHA256 matches RFC 5869 test case 1", "[unit]") {
  Bytes ikm(22, 0x0b);
  Bytes salt = *HexDecode("000102030405060708090a0b0c");
  Bytes info = *HexDecode("f0f1f2f3f4f5f6f7f8f9");
  CHECK(HexEncode(*HkdfSha256(ikm, salt, info, 42)) ==
        "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865");
}

TEST_CASE("HMAC-SHA256 matches RFC 4231 test case 2", "[unit]") {
  CHECK(HexEncode(HmacSha256(AsBytes("Jefe"), AsBytes("what do ya want for nothing?"))) ==
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST_CASE("keyed HMAC-SHA256 matches RFC 4231 and the one-shot form", "[unit]") {
  HmacSha256Key jefe(AsBytes("Jefe"));
  CHECK(HexEncode(jefe.Mac(AsBytes("what do ya want for nothing?"))) ==
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  // The precomputed states are not consumed by a MAC: the same tag again.
  CHECK(HexEncode(jefe.Mac(AsBytes("what do ya want for nothing?"))) ==
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  // Test case 6: a key longer than the block is hashed first.
  HmacSha256Key long_key(Bytes(131, 0xaa));
  CHECK(
      HexEncode(long_key.Mac(AsBytes("Test Using Larger Than Block-Size Key - Hash Key First"))) ==
      "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
  // Every key length around the block size, messages of several lengths.
  for (size_t key_len : {0, 1, 31, 32, 63, 64, 65, 128}) {
    Bytes key(key_len);
    for (size_t i = 0; i < key_len; ++i) key[i] = static_cast<uint8_t>(i * 7 + 1);
    HmacSha256Key keyed(key);
    for (size_t msg_len : {0, 1, 41, 64, 200}) {
      Bytes msg(msg_len, static_cast<uint8_t>(msg_len));
      CHECK(keyed.Mac(msg) == HmacSha256(key, msg));
    }
  }
}

TEST_CASE("random bytes differ", "[unit]") {
  CHECK(RandomBytes(32) != RandomBytes(32));
  CHECK(RandomBytes(0).empty());
}

}  // namespace
}  // namespace c8s::crypto
