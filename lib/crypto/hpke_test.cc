#include "lib/crypto/hpke.h"

#include <catch2/catch_test_macros.hpp>

#include "lib/base/strings.h"
#include "lib/crypto/hpke_internal.h"

namespace c8s::crypto::hpke {
namespace {

constexpr std::string_view kAuthFailed =
    "hpke open: authentication failed (wrong key, info, aad or tampered ciphertext)";

const Suite kSuites[] = {Suite{Aead::kAes128Gcm}, Suite{Aead::kChaCha20Poly1305}};

std::string ErrorOf(const absl::StatusOr<Bytes>& r) {
  REQUIRE_FALSE(r.ok());
  return StatusText(r.status());
}

TEST_CASE("HPKE suite names parse and print as manifests spell them", "[unit]") {
  auto aes = Suite::Parse("X25519-HKDF-SHA256/AES-128-GCM");
  REQUIRE(aes.ok());
  CHECK(aes->aead == Aead::kAes128Gcm);
  CHECK(aes->KeySize() == 16);
  auto chacha = Suite::Parse("X25519-HKDF-SHA256/ChaCha20-Poly1305");
  REQUIRE(chacha.ok());
  CHECK(chacha->aead == Aead::kChaCha20Poly1305);
  CHECK(chacha->Name() == "X25519-HKDF-SHA256/ChaCha20-Poly1305");
  auto bad = Suite::Parse("P256-HKDF-SHA256/AES-128-GCM");
  REQUIRE_FALSE(bad.ok());
  CHECK(StatusText(bad.status()) ==
        "hpke: unknown suite \"P256-HKDF-SHA256/AES-128-GCM\" (supported: "
        "X25519-HKDF-SHA256/AES-128-GCM, X25519-HKDF-SHA256/ChaCha20-Poly1305)");
}

TEST_CASE("HPKE base and auth modes round-trip with fresh keys", "[unit]") {
  const KeyPair recipient = GenerateKeyPair();
  const KeyPair sender = GenerateKeyPair();
  const Bytes info = ToBytes("c8s/seed/v1 cluster");
  const Bytes aad = ToBytes("aad");
  const Bytes pt = ToBytes("the seed");
  for (const Suite& suite : kSuites) {
    INFO(suite.Name());
    auto box = Seal(suite, recipient.public_key, info, aad, pt);
    REQUIRE(box.ok());
    CHECK(box->enc.size() == 32);
    CHECK(box->ciphertext.size() == pt.size() + 16);
    CHECK(*Open(suite, recipient.private_key, box->enc, info, aad, box->ciphertext) == pt);
    // A base-mode message does not open as an auth-mode one.
    CHECK(ErrorOf(OpenAuth(suite, recipient.private_key, box->enc, info, aad, box->ciphertext,
                           sender.public_key)) == kAuthFailed);

    auto auth = SealAuth(suite, recipient.public_key, info, aad, pt, sender.private_key);
    REQUIRE(auth.ok());
    CHECK(*OpenAuth(suite, recipient.private_key, auth->enc, info, aad, auth->ciphertext,
                    sender.public_key) == pt);
    CHECK(ErrorOf(Open(suite, recipient.private_key, auth->enc, info, aad, auth->ciphertext)) ==
          kAuthFailed);
    // Empty plaintext and AAD are legal.
    auto empty = Seal(suite, recipient.public_key, {}, {}, {});
    REQUIRE(empty.ok());
    CHECK(Open(suite, recipient.private_key, empty->enc, {}, {}, empty->ciphertext)->empty());
  }
}

TEST_CASE("HPKE open rejects every kind of tampering with a clear error", "[unit]") {
  const KeyPair recipient = GenerateKeyPair();
  const KeyPair sender = GenerateKeyPair();
  const KeyPair other = GenerateKeyPair();
  const Bytes info = ToBytes("info");
  const Bytes aad = ToBytes("aad");
  const Bytes pt = ToBytes("attack at dawn");
  for (const Suite& suite : kSuites) {
    INFO(suite.Name());
    auto box = SealAuth(suite, recipient.public_key, info, aad, pt, sender.private_key);
    REQUIRE(box.ok());
    auto open = [&](ByteSpan sk, ByteSpan enc, ByteSpan i, ByteSpan a, ByteSpan ct,
                    ByteSpan pk_s) { return OpenAuth(suite, sk, enc, i, a, ct, pk_s); };
    const Bytes& sk = recipient.private_key;
    const Bytes& ct = box->ciphertext;
    REQUIRE(open(sk, box->enc, info, aad, ct, sender.public_key).ok());

    Bytes tampered = ct;
    tampered[3] ^= 0x01;
    CHECK(ErrorOf(open(sk, box->enc, info, aad, tampered, sender.public_key)) == kAuthFailed);
    Bytes bad_tag = ct;
    bad_tag.back() ^= 0x80;
    CHECK(ErrorOf(open(sk, box->enc, info, aad, bad_tag, sender.public_key)) == kAuthFailed);
    CHECK(ErrorOf(open(sk, box->enc, info, ToBytes("aaD"), ct, sender.public_key)) ==
          kAuthFailed);
    CHECK(ErrorOf(open(sk, box->enc, ToBytes("infO"), aad, ct, sender.public_key)) ==
          kAuthFailed);
    CHECK(ErrorOf(open(sk, box->enc, info, aad, ByteSpan(ct).first(ct.size() - 1),
                       sender.public_key)) == kAuthFailed);
    CHECK(ErrorOf(open(sk, box->enc, info, aad, ByteSpan(ct).first(15), sender.public_key)) ==
          "hpke open: ciphertext is 15 bytes, shorter than the 16-byte tag");
    CHECK(ErrorOf(open(sk, ByteSpan(box->enc).first(31), info, aad, ct, sender.public_key)) ==
          "hpke: enc must be 32 bytes, got 31");
    Bytes other_enc = box->enc;
    other_enc[0] ^= 0x01;
    CHECK(ErrorOf(open(sk, other_enc, info, aad, ct, sender.public_key)) == kAuthFailed);
    CHECK(ErrorOf(open(other.private_key, box->enc, info, aad, ct, sender.public_key)) ==
          kAuthFailed);
    CHECK(ErrorOf(open(sk, box->enc, info, aad, ct, other.public_key)) == kAuthFailed);
    CHECK(ErrorOf(open(sk, box->enc, info, aad, ct, ByteSpan(sender.public_key).first(8))) ==
          "hpke: sender public key must be 32 bytes, got 8");
    // An all-zero (low-order) encapsulated key makes X25519 output zero: refused.
    CHECK(ErrorOf(open(sk, Bytes(32, 0), info, aad, ct, sender.public_key)) ==
          "hpke: X25519 with the encapsulated key (enc) failed (low-order or invalid public key)");
  }
}

TEST_CASE("HPKE seal refuses malformed keys", "[unit]") {
  const Suite suite;
  const KeyPair sender = GenerateKeyPair();
  auto short_pk = Seal(suite, Bytes(33, 7), {}, {}, ToBytes("x"));
  REQUIRE_FALSE(short_pk.ok());
  CHECK(StatusText(short_pk.status()) == "hpke: recipient public key must be 32 bytes, got 33");
  auto low_order = SealAuth(suite, Bytes(32, 0), {}, {}, ToBytes("x"), sender.private_key);
  REQUIRE_FALSE(low_order.ok());
  CHECK(StatusText(low_order.status()) ==
        "hpke: X25519 with the recipient public key failed (low-order or invalid public key)");
  auto no_sender = SealAuth(suite, sender.public_key, {}, {}, ToBytes("x"), {});
  REQUIRE_FALSE(no_sender.ok());
  CHECK(StatusText(no_sender.status()) == "hpke: sender private key must be 32 bytes, got 0");
}

TEST_CASE("HPKE contexts advance the sequence number only on success", "[unit]") {
  const KeyPair recipient = GenerateKeyPair();
  auto sender = SetupBaseSender(Suite{}, recipient.public_key, ToBytes("info"));
  REQUIRE(sender.ok());
  auto receiver = SetupBaseRecipient(Suite{}, sender->enc, recipient.private_key, ToBytes("info"));
  REQUIRE(receiver.ok());
  auto c0 = sender->context.Seal({}, ToBytes("zero"));
  auto c1 = sender->context.Seal({}, ToBytes("one"));
  REQUIRE((c0.ok() && c1.ok()));
  CHECK(sender->context.sequence() == 2);
  // Out of order: message 1 cannot open as message 0, and the failure does not advance.
  CHECK(ErrorOf(receiver->Open({}, *c1)) == kAuthFailed);
  CHECK(receiver->sequence() == 0);
  CHECK(ToString(*receiver->Open({}, *c0)) == "zero");
  CHECK(ToString(*receiver->Open({}, *c1)) == "one");
  CHECK(receiver->sequence() == 2);
  // Exports agree on both sides and are bounded by 255 * Nh.
  CHECK(*sender->context.Export(ToBytes("ctx"), 64) == *receiver->Export(ToBytes("ctx"), 64));
  CHECK(*sender->context.Export(ToBytes("a"), 32) != *sender->context.Export(ToBytes("b"), 32));
  CHECK(ErrorOf(receiver->Export({}, 255 * 32 + 1)) ==
        "hpke: cannot expand 8161 bytes (at most 8160)");
}

TEST_CASE("HPKE DeriveKeyPair is deterministic and matches PublicKeyFromPrivate", "[unit]") {
  auto a = DeriveKeyPair(ToBytes("ikm"));
  auto b = DeriveKeyPair(ToBytes("ikm"));
  auto c = DeriveKeyPair(ToBytes("ikm2"));
  REQUIRE((a.ok() && b.ok() && c.ok()));
  CHECK(a->private_key == b->private_key);
  CHECK(a->private_key != c->private_key);
  CHECK(*PublicKeyFromPrivate(a->private_key) == a->public_key);
  CHECK(ErrorOf(PublicKeyFromPrivate(Bytes(31, 1))) ==
        "hpke: private key must be 32 bytes, got 31");
}

}  // namespace
}  // namespace c8s::crypto::hpke
