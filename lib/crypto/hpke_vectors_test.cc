// RFC 9180 Appendix A.1.1, A.1.3, A.2.1, A.2.3 test vectors, byte for byte.
#include <catch2/catch_test_macros.hpp>

#include "lib/base/strings.h"
#include "lib/crypto/hpke.h"
#include "lib/crypto/hpke_internal.h"
#include "lib/crypto/jcs.h"
#include "test/support/test_env.h"

namespace c8s::crypto::hpke {
namespace {

Bytes Hex(const nlohmann::json& v) {
  auto b = HexDecode(v.get<std::string>());
  REQUIRE(b.ok());
  return *b;
}

// The string value of a vector field, so that Catch2 prints both sides of a mismatch.
std::string S(const nlohmann::json& v) { return v.get<std::string>(); }

std::string HexOf(const absl::StatusOr<Bytes>& b) {
  REQUIRE(b.ok());
  return HexEncode(*b);
}

nlohmann::json LoadVectors() {
  auto doc = ParseStrictJson(testing::ReadTestFile(
      testing::SourcePath("test/fixtures/crypto/hpke_vectors.json")));
  REQUIRE(doc.ok());
  return (*doc)["vectors"];
}

TEST_CASE("HPKE matches the RFC 9180 X25519/HKDF-SHA256 vectors", "[unit]") {
  const nlohmann::json vectors = LoadVectors();
  REQUIRE(vectors.size() == 4);
  for (const auto& v : vectors) {
    const std::string section = v["section"].get<std::string>();
    INFO("RFC 9180 " << section);
    REQUIRE(v["kem_id"] == kKemX25519HkdfSha256);
    REQUIRE(v["kdf_id"] == kKdfHkdfSha256);
    const Suite suite{static_cast<Aead>(v["aead_id"].get<uint16_t>())};
    const Mode mode = static_cast<Mode>(v["mode"].get<uint8_t>());
    const bool auth = mode == Mode::kAuth;
    const Bytes info = Hex(v["info"]);

    // DeriveKeyPair from the ikm values.
    auto eph = DeriveKeyPair(Hex(v["ikmE"]));
    auto rcpt = DeriveKeyPair(Hex(v["ikmR"]));
    REQUIRE(eph.ok());
    REQUIRE(rcpt.ok());
    CHECK(HexEncode(eph->private_key) == S(v["skEm"]));
    CHECK(HexEncode(eph->public_key) == S(v["pkEm"]));
    CHECK(HexEncode(rcpt->private_key) == S(v["skRm"]));
    CHECK(HexEncode(rcpt->public_key) == S(v["pkRm"]));
    KeyPair sender;
    if (auth) {
      auto s = DeriveKeyPair(Hex(v["ikmS"]));
      REQUIRE(s.ok());
      sender = *s;
      CHECK(HexEncode(sender.private_key) == S(v["skSm"]));
      CHECK(HexEncode(sender.public_key) == S(v["pkSm"]));
    }

    // KEM and key schedule intermediates.
    auto encap = internal::Encap(mode, rcpt->public_key, eph->private_key, sender.private_key);
    REQUIRE(encap.ok());
    CHECK(HexEncode(encap->enc) == S(v["enc"]));
    CHECK(HexEncode(encap->shared_secret) == S(v["shared_secret"]));
    CHECK(HexOf(internal::Decap(mode, Hex(v["enc"]), rcpt->private_key, sender.public_key)) ==
          S(v["shared_secret"]));
    auto schedule = internal::KeySchedule(suite.aead, mode, encap->shared_secret, info);
    REQUIRE(schedule.ok());
    CHECK(HexEncode(schedule->key_schedule_context) == S(v["key_schedule_context"]));
    CHECK(HexEncode(schedule->secret) == S(v["secret"]));
    CHECK(HexEncode(schedule->key) == S(v["key"]));
    CHECK(HexEncode(schedule->base_nonce) == S(v["base_nonce"]));
    CHECK(HexEncode(schedule->exporter_secret) == S(v["exporter_secret"]));

    // Contexts: seal/open every sequence number up to the last listed one, checking the
    // listed ones; the others keep sender and recipient in step.
    auto setup = internal::SetupSenderWithEphemeral(suite, mode, rcpt->public_key, info,
                                                    eph->private_key, sender.private_key);
    REQUIRE(setup.ok());
    CHECK(HexEncode(setup->enc) == S(v["enc"]));
    auto recipient = auth ? SetupAuthRecipient(suite, setup->enc, rcpt->private_key, info,
                                               sender.public_key)
                          : SetupBaseRecipient(suite, setup->enc, rcpt->private_key, info);
    REQUIRE(recipient.ok());
    size_t listed = 0;
    for (uint64_t seq = 0; listed < v["encryptions"].size(); ++seq) {
      const auto& e = v["encryptions"][listed];
      const bool check = e["seq"].get<uint64_t>() == seq;
      const Bytes aad = check ? Hex(e["aad"]) : ToBytes("filler");
      const Bytes pt = check ? Hex(e["pt"]) : ToBytes("filler");
      REQUIRE(setup->context.sequence() == seq);
      auto ct = setup->context.Seal(aad, pt);
      REQUIRE(ct.ok());
      auto opened = recipient->Open(aad, *ct);
      REQUIRE(opened.ok());
      CHECK(*opened == pt);
      if (!check) continue;
      INFO("sequence number " << seq);
      CHECK(HexEncode(internal::ComputeNonce(schedule->base_nonce, seq)) == S(e["nonce"]));
      CHECK(HexEncode(*ct) == S(e["ct"]));
      ++listed;
    }
    CHECK(listed == 6);
    for (const auto& x : v["exports"]) {
      const Bytes exporter_context = Hex(x["exporter_context"]);
      const size_t length = x["L"].get<size_t>();
      CHECK(HexOf(setup->context.Export(exporter_context, length)) == S(x["exported_value"]));
      CHECK(HexOf(recipient->Export(exporter_context, length)) == S(x["exported_value"]));
    }

    // Single-shot Open of the first listed message.
    const auto& first = v["encryptions"][0];
    auto pt = auth ? OpenAuth(suite, rcpt->private_key, Hex(v["enc"]), info, Hex(first["aad"]),
                              Hex(first["ct"]), sender.public_key)
                   : Open(suite, rcpt->private_key, Hex(v["enc"]), info, Hex(first["aad"]),
                          Hex(first["ct"]));
    CHECK(HexOf(pt) == S(first["pt"]));
  }
}

}  // namespace
}  // namespace c8s::crypto::hpke
