#include "cds/runtime.h"

#include <catch2/catch_test_macros.hpp>

#include "cds/testing_for_test.h"

namespace c8s::cds {
namespace {

using testing::World;

std::string Msg(const absl::Status& st) { return std::string(st.message()); }

using Sealed = testing::RuntimeWorld;

TEST_CASE("runtime: two replicas starting on empty storage create exactly one CA", "[unit]") {
  MemoryStorage storage;
  Sealed a(&storage, true);
  Sealed b(&storage, true);
  REQUIRE(a.rt->cds() != nullptr);
  CHECK(b.rt->sealed());
  CHECK(!b.seeds.seed.has_value());  // the loser keeps no seed
  absl::Status unsealed = b.rt->Unseal(*a.seeds.seed, "replica");
  INFO(unsealed.ToString());
  REQUIRE(unsealed.ok());
  CHECK(b.rt->cds()->ca_certificate().ToDer() == a.rt->cds()->ca_certificate().ToDer());
}

TEST_CASE("runtime: total loss, recovery with a recovery key, and nothing is lost", "[unit]") {
  World w;
  w.m1 = w.WithSealedSecret(w.m1, "kept");
  w.ClaimOrDie();
  std::string cluster = w.cluster();
  auto history = w.cds->History(0);
  Bytes ca = w.cds->ca_certificate().ToDer();
  auto record = w.cds->recovery();
  REQUIRE(record.has_value());
  REQUIRE(record->envelopes.size() == 1);
  CHECK(record->envelopes[0].key_name == "vault-1");
  // The envelope is also in storage in the clear, for a CDS without the seed.
  REQUIRE(w.storage.objects().count("recovery") == 1);
  auto stored = ParseRecoveryRecord(AsChars(w.storage.objects()["recovery"]));
  REQUIRE(stored.ok());
  CHECK(*stored == *record);

  // Every replica is gone; a fresh one on the same storage starts sealed.
  Sealed fresh(&w.storage, true);
  REQUIRE(fresh.rt->sealed());
  CHECK(Msg(fresh.rt->Unseal(crypto::RandomBytes(32), "guess")).rfind(
            "the seed does not open the stored state: state object \"state\": authentication "
            "failed",
            0) == 0);
  Bytes nonce = crypto::RandomBytes(32);
  auto challenge = fresh.rt->GetRecoveryChallenge(nonce);
  REQUIRE(challenge.ok());
  REQUIRE(challenge->record.has_value());
  CHECK(challenge->record->cluster == cluster);
  // The owner checks the evidence binds the nonce and the recipient key (c8s/recover/v1).
  EvidenceCheck check;
  check.simulated_roots = {ToBytes(testing::Sim().ArkPem())};
  check.now = w.clock.Now();
  auto claims = VerifyPodEvidence(challenge->evidence.evidence, challenge->evidence.image_digest,
                                  challenge->evidence.pod_ref,
                                  attest::RecoverRoleBinding(nonce, challenge->recipient_public_key),
                                  nullptr, "", check);
  INFO(claims.status().ToString());
  REQUIRE(claims.ok());
  // ... opens its envelope with the recovery key and seals the seed to the recipient key.
  auto owner_key = manifest::testing::LoadFixturePrivateKey("recovery-vault-1.key.pem");
  auto seed = OpenRecoveryEnvelope(challenge->record->envelopes[0], cluster, owner_key);
  REQUIRE(seed.ok());
  CHECK(*seed == w.seed);

  SECTION("a seed sealed to another key is refused and nothing changes") {
    auto other = crypto::hpke::GenerateKeyPair();
    auto wrong = SealSeedForTransfer(*seed, cluster, other.public_key);
    auto before = w.storage.objects();
    CHECK(Msg(fresh.rt->Recover(*wrong, {}).status()).rfind(
              "seed: cannot be opened with this CDS's recipient key", 0) == 0);
    CHECK(fresh.rt->sealed());
    CHECK(w.storage.objects() == before);
  }
  SECTION("recovered: CA, history and secrets are the same") {
    auto transfer = SealSeedForTransfer(*seed, cluster, challenge->recipient_public_key);
    auto result = fresh.rt->Recover(*transfer, {});
    INFO(result.status().ToString());
    REQUIRE(result.ok());
    CHECK(result->generation == 1);
    std::shared_ptr<Cds> back = fresh.rt->cds();
    REQUIRE(back != nullptr);
    CHECK(back->ca_certificate().ToDer() == ca);
    CHECK(back->History(0) == history);
    CHECK(fresh.seeds.seed == w.seed);
    // The recipient key was one-time.
    CHECK(Msg(fresh.rt->Recover(*transfer, {}).status()) ==
          "not sealed: this CDS already has its seed");
  }
}

TEST_CASE("runtime: a backup restores onto empty storage; corrupted backups are refused",
          "[unit]") {
  World w;
  w.ClaimOrDie();
  MemoryStorage original_copy;
  for (const auto& [name, blob] : w.storage.objects()) original_copy.Set(name, blob);
  Sealed exporter(&original_copy, false);
  auto backup = exporter.rt->ExportBackup();
  REQUIRE(backup.ok());
  REQUIRE(backup->size() == 2);  // recovery, state

  MemoryStorage empty;
  Sealed fresh(&empty, false);
  REQUIRE(fresh.rt->sealed());
  auto record = ParseRecoveryRecord(AsChars((*backup)[0].blob));
  REQUIRE(record.ok());
  auto owner_key = manifest::testing::LoadFixturePrivateKey("recovery-vault-1.key.pem");
  auto seed = OpenRecoveryEnvelope(record->envelopes[0], record->cluster, owner_key);
  REQUIRE(seed.ok());
  auto challenge = fresh.rt->GetRecoveryChallenge(crypto::RandomBytes(32));
  REQUIRE(challenge.ok());
  CHECK(!challenge->record.has_value());  // storage is empty
  auto transfer = SealSeedForTransfer(*seed, record->cluster, challenge->recipient_public_key);
  SECTION("corrupted object") {
    std::vector<StoredObject> bad = *backup;
    bad[1].blob[bad[1].blob.size() / 2] ^= 1;
    CHECK(Msg(fresh.rt->Recover(*transfer, bad).status()).rfind(
              "backup: state object \"state\": authentication failed", 0) == 0);
    CHECK(empty.objects().empty());
  }
  SECTION("restored") {
    auto result = fresh.rt->Recover(*transfer, *backup);
    INFO(result.status().ToString());
    REQUIRE(result.ok());
    CHECK(fresh.rt->cds()->History(0) == w.cds->History(0));
    CHECK(empty.objects() == w.storage.objects());
  }
}

}  // namespace
}  // namespace c8s::cds
