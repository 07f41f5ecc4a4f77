#include "lib/crypto/keys.h"

#include <catch2/catch_test_macros.hpp>
#include <catch2/generators/catch_generators.hpp>

#include "lib/base/strings.h"
#include "lib/crypto/openssl_util.h"

namespace c8s::crypto {
namespace {

TEST_CASE("every key type round-trips through PEM and DER", "[unit]") {
  KeyType type = GENERATE(KeyType::kP256, KeyType::kP384, KeyType::kEd25519, KeyType::kX25519);
  INFO(KeyTypeName(type));
  PrivateKey key = PrivateKey::Generate(type).value();
  REQUIRE(key.type() == type);

  PrivateKey from_pem = PrivateKey::FromPem(key.ToPem()).value();
  PrivateKey from_der = PrivateKey::FromDer(key.ToDer()).value();
  CHECK(from_pem.type() == type);
  CHECK(from_der.ToDer() == key.ToDer());
  CHECK(key.ToPem().starts_with("-----BEGIN PRIVATE KEY-----"));

  PublicKey pub = key.GetPublicKey();
  PublicKey pub_pem = PublicKey::FromPem(pub.ToPem()).value();
  PublicKey pub_der = PublicKey::FromSpkiDer(pub.SpkiDer()).value();
  CHECK(pub_pem.SpkiDer() == pub.SpkiDer());
  CHECK(pub_der.type() == type);
  CHECK(from_pem.GetPublicKey().SpkiDer() == pub.SpkiDer());
  // The public half carries no private material.
  CHECK_FALSE(PrivateKey::FromPem(pub.ToPem()).ok());
}

TEST_CASE("X25519 and Ed25519 raw forms", "[unit]") {
  PrivateKey x = PrivateKey::Generate(KeyType::kX25519).value();
  Bytes raw = x.GetPublicKey().RawBytes().value();
  REQUIRE(raw.size() == 32);
  CHECK(PublicKey::FromRawX25519(raw).value().SpkiDer() == x.GetPublicKey().SpkiDer());
  CHECK_FALSE(PublicKey::FromRawX25519(Bytes(31)).ok());
  // RFC 7748 §6.1 Alice's key pair.
  Bytes priv =
      HexDecode("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a").value();
  CHECK(HexEncode(PrivateKey::FromRawX25519(priv).value().GetPublicKey().RawBytes().value()) ==
        "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
  CHECK(PrivateKey::Generate(KeyType::kEd25519).value().GetPublicKey().RawBytes()->size() == 32);
  CHECK_FALSE(PrivateKey::Generate(KeyType::kP256).value().GetPublicKey().RawBytes().ok());
}

TEST_CASE("sign and verify, tampering rejected", "[unit]") {
  KeyType type = GENERATE(KeyType::kP256, KeyType::kP384, KeyType::kEd25519);
  INFO(KeyTypeName(type));
  PrivateKey key = PrivateKey::Generate(type).value();
  PublicKey pub = key.GetPublicKey();
  Bytes message = ToBytes("c8s/approval/v1 generation=7");
  Bytes sig = key.Sign(message).value();
  REQUIRE(pub.Verify(message, sig).ok());

  Bytes tampered_msg = message;
  tampered_msg.back() ^= 1;
  absl::Status st = pub.Verify(tampered_msg, sig);
  CHECK_FALSE(st.ok());
  CHECK(StatusText(st).find("signature verification failed") != std::string::npos);

  Bytes tampered_sig = sig;
  tampered_sig[tampered_sig.size() / 2] ^= 0x40;
  CHECK_FALSE(pub.Verify(message, tampered_sig).ok());

  PublicKey other = PrivateKey::Generate(type).value().GetPublicKey();
  CHECK_FALSE(other.Verify(message, sig).ok());
}

TEST_CASE("ECDSA digests match the curve", "[unit]") {
  // A P-384 signature is over SHA-384: OpenSSL's own verification with SHA-384 accepts it.
  PrivateKey key = PrivateKey::Generate(KeyType::kP384).value();
  Bytes sig = key.Sign(ToBytes("m")).value();
  Bytes raw = EcdsaDerToRaw(sig, 48).value();
  CHECK(raw.size() == 96);
  CHECK(key.GetPublicKey().Verify(ToBytes("m"), EcdsaRawToDer(raw).value()).ok());
}

TEST_CASE("X25519 keys cannot sign", "[unit]") {
  PrivateKey x = PrivateKey::Generate(KeyType::kX25519).value();
  absl::StatusOr<Bytes> sig = x.Sign(ToBytes("m"));
  REQUIRE_FALSE(sig.ok());
  CHECK(StatusText(sig.status()).find("X25519") != std::string::npos);
}

TEST_CASE("ECDSA DER and raw r||s conversions", "[unit]") {
  PrivateKey key = PrivateKey::Generate(KeyType::kP256).value();
  for (int i = 0; i < 16; ++i) {  // r or s with a leading zero byte shows up within a few tries
    Bytes der = key.Sign(ToBytes(StrCat("msg", i))).value();
    Bytes raw = EcdsaDerToRaw(der, 32).value();
    REQUIRE(raw.size() == 64);
    CHECK(EcdsaRawToDer(raw).value() == der);
  }
  // r = 1, s = 2 padded to 32 bytes each.
  Bytes raw(64, 0);
  raw[31] = 1;
  raw[63] = 2;
  CHECK(HexEncode(EcdsaRawToDer(raw).value()) == "3006020101020102");
  CHECK(EcdsaDerToRaw(HexDecode("3006020101020102").value(), 32).value() == raw);

  CHECK_FALSE(EcdsaRawToDer(Bytes(63)).ok());
  CHECK_FALSE(EcdsaRawToDer(Bytes()).ok());
  CHECK_FALSE(EcdsaDerToRaw(HexDecode("300602010102010200").value(), 32).ok());  // trailing
  CHECK_FALSE(EcdsaDerToRaw(ToBytes("not der"), 32).ok());
  Bytes der384 = PrivateKey::Generate(KeyType::kP384).value().Sign(ToBytes("m")).value();
  CHECK_FALSE(EcdsaDerToRaw(der384, 32).ok());  // 48-byte r and s do not fit 32
}

TEST_CASE("loading errors carry OpenSSL's reason", "[unit]") {
  absl::StatusOr<PrivateKey> bad = PrivateKey::FromPem("-----BEGIN PRIVATE KEY-----\nAAAA\n");
  REQUIRE_FALSE(bad.ok());
  CHECK(StatusText(bad.status()).find("parse PEM private key: error:") != std::string::npos);
  CHECK_FALSE(PublicKey::FromSpkiDer(ToBytes("\x30\x03\x02\x01\x01")).ok());
  CHECK_FALSE(PrivateKey::Generate(KeyType::kRsa).ok());
}

TEST_CASE("RSA public keys load", "[unit]") {
  EVP_PKEY* rsa = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(2048));
  REQUIRE(rsa != nullptr);
  PublicKey pub = PublicKey::FromEvp(rsa).value();
  CHECK(pub.type() == KeyType::kRsa);
  PublicKey again = PublicKey::FromPem(pub.ToPem()).value();
  CHECK(again.type() == KeyType::kRsa);
  CHECK(again.SpkiDer() == pub.SpkiDer());
}

}  // namespace
}  // namespace c8s::crypto
