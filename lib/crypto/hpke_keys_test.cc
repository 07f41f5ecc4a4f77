#include <catch2/catch_test_macros.hpp>

#include "lib/base/strings.h"
#include "lib/crypto/hpke.h"
#include "lib/crypto/keys.h"

namespace c8s::crypto::hpke {
namespace {

TEST_CASE("HPKE works with X25519 PublicKey/PrivateKey objects", "[unit]") {
  auto recipient = PrivateKey::Generate(KeyType::kX25519);
  auto sender = PrivateKey::Generate(KeyType::kX25519);
  REQUIRE((recipient.ok() && sender.ok()));
  const Suite suite;
  auto box = SealAuth(suite, recipient->GetPublicKey(), AsBytes("info"), AsBytes("aad"),
                      AsBytes("secret"), *sender);
  REQUIRE(box.ok());
  auto pt = OpenAuth(suite, *recipient, box->enc, AsBytes("info"), AsBytes("aad"),
                     box->ciphertext, sender->GetPublicKey());
  REQUIRE(pt.ok());
  CHECK(ToString(*pt) == "secret");
  // The raw-key API opens what the key-object API sealed, and vice versa.
  auto base = Seal(suite, recipient->GetPublicKey(), {}, {}, AsBytes("x"));
  REQUIRE(base.ok());
  auto raw_pk = recipient->GetPublicKey().RawBytes();
  REQUIRE(raw_pk.ok());
  auto raw_box = Seal(suite, *raw_pk, {}, {}, AsBytes("y"));
  REQUIRE(raw_box.ok());
  CHECK(ToString(*Open(suite, *recipient, base->enc, {}, {}, base->ciphertext)) == "x");
  CHECK(ToString(*Open(suite, *recipient, raw_box->enc, {}, {}, raw_box->ciphertext)) == "y");
}

TEST_CASE("HPKE refuses non-X25519 key objects by name", "[unit]") {
  auto p256 = PrivateKey::Generate(KeyType::kP256);
  REQUIRE(p256.ok());
  auto sealed = Seal(Suite{}, p256->GetPublicKey(), {}, {}, AsBytes("x"));
  REQUIRE_FALSE(sealed.ok());
  CHECK(StatusText(sealed.status()) == "hpke: recipient public key is a P-256 key, want X25519");
  auto opened = Open(Suite{}, *p256, Bytes(32, 9), {}, {}, Bytes(16));
  REQUIRE_FALSE(opened.ok());
  CHECK(StatusText(opened.status()) == "hpke: recipient private key is a P-256 key, want X25519");
}

}  // namespace
}  // namespace c8s::crypto::hpke
