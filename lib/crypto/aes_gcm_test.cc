#include "lib/crypto/aes_gcm.h"

#include <catch2/catch_test_macros.hpp>

#include "lib/crypto/hash.h"

namespace c8s::crypto {
namespace {

TEST_CASE("AES-256-GCM round trip and every tamper is refused", "[unit]") {
  Bytes key = RandomBytes(32);
  Bytes pt = ToBytes("the state of a CDS");
  auto box = AesGcmSeal(key, AsBytes("state"), pt);
  REQUIRE(box.ok());
  REQUIRE(box->size() == pt.size() + 28);
  auto back = AesGcmOpen(key, AsBytes("state"), *box);
  REQUIRE(back.ok());
  CHECK(*back == pt);

  CHECK(AesGcmOpen(key, AsBytes("other"), *box).status().message() ==
        "aes-256-gcm: authentication failed");
  Bytes flipped = *box;
  flipped[14] ^= 1;
  CHECK(AesGcmOpen(key, AsBytes("state"), flipped).status().message() ==
        "aes-256-gcm: authentication failed");
  Bytes torn(box->begin(), box->end() - 3);
  CHECK(!AesGcmOpen(key, AsBytes("state"), torn).ok());
  CHECK(!AesGcmOpen(RandomBytes(32), AsBytes("state"), *box).ok());
  CHECK(!AesGcmOpen(key, AsBytes("state"), Bytes(10)).ok());
  CHECK(!AesGcmSeal(Bytes(16), {}, pt).ok());
  auto empty = AesGcmSeal(key, {}, {});
  REQUIRE(empty.ok());
  CHECK(AesGcmOpen(key, {}, *empty)->empty());
}

}  // namespace
}  // namespace c8s::crypto
