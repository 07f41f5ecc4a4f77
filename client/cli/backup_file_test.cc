// c8sctl backup files: round trip, strict parsing, and the recovery envelopes they carry.
#include "client/cli/backup_file.h"

#include <catch2/catch_test_macros.hpp>

#include "cds/recovery.h"
#include "lib/base/strings.h"
#include "lib/crypto/keys.h"

namespace c8s::cli {
namespace {

const std::string kCluster = "sha256:" + std::string(64, 'a');

Backup Sample(Bytes recovery_blob) {
  return Backup{kCluster,
                "2026-12-01T00:00:00Z",
                {2, "sha256:" + std::string(64, 'b')},
                {{"state", {0, 1, 2, 3}}, {"recovery", std::move(recovery_blob)}}};
}

std::string Refusal(std::string_view text) {
  absl::StatusOr<Backup> b = ParseBackup(text);
  return b.ok() ? "accepted" : std::string(b.status().message());
}

TEST_CASE("backup files round-trip and parse strictly", "[unit]") {
  Backup b = Sample(ToBytes("{}"));
  std::string text = BackupToJson(b);
  absl::StatusOr<Backup> back = ParseBackup(text);
  REQUIRE(back.ok());
  CHECK(back->cluster == kCluster);
  CHECK(back->head.generation == 2);
  REQUIRE(back->objects.size() == 2);
  CHECK(back->objects[0].blob == Bytes{0, 1, 2, 3});
  CHECK(BackupToJson(*back) == text);

  auto with = [&](std::string_view from, std::string_view to) {
    std::string t = text;
    size_t at = t.find(from);
    REQUIRE(at != std::string::npos);
    return Refusal(t.replace(at, from.size(), to));
  };
  CHECK(with("c8s.dev/backup/v1", "c8s.dev/backup/v2") ==
        "backup apiVersion: want c8s.dev/backup/v1");
  CHECK(with(kCluster, "sha256:xyz") == "backup cluster: want sha256:<64 hex>");
  CHECK(with("\"createdAt\"", "\"extra\": 1, \"createdAt\"") == "backup extra: unknown field");
  CHECK(with("\"recovery\"", "\"state\"") == "backup objects: duplicate object \"state\"");
  CHECK(with("\"recovery\"", "\"../etc\"") ==
        "backup objects[].name: want 1-128 characters of [a-z0-9._-]");
  CHECK(with("\"generation\": 2", "\"generation\": -2").rfind("backup head: ", 0) == 0);
  CHECK(Refusal("{") != "accepted");
  CHECK(Refusal("") != "accepted");
}

TEST_CASE("a backup's recovery envelopes come from the CDS's record of its cluster", "[unit]") {
  crypto::PrivateKey key = *crypto::PrivateKey::Generate(crypto::KeyType::kX25519);
  std::vector<manifest::NamedKey> keys = {{"vault-1", key.GetPublicKey().ToPem()}};
  Bytes seed(32, 7);
  cds::RecoveryRecord record = *cds::SealSeedToRecoveryKeys(seed, kCluster, 2, keys);

  auto envelopes = RecoveryEnvelopesOf(Sample(ToBytes(cds::ToJson(record).dump())));
  REQUIRE(envelopes.ok());
  REQUIRE(envelopes->has_value());
  CHECK((*envelopes)->generation == 2);
  REQUIRE((*envelopes)->envelopes.size() == 1);
  CHECK((*envelopes)->envelopes[0].key_name == "vault-1");

  Backup none = Sample({});
  none.objects.pop_back();
  CHECK_FALSE(RecoveryEnvelopesOf(none)->has_value());

  record.cluster = "sha256:" + std::string(64, 'c');
  auto foreign = RecoveryEnvelopesOf(Sample(ToBytes(cds::ToJson(record).dump())));
  CHECK(foreign.status().message() == StrCat("backup objects[recovery]: names cluster ",
                                             record.cluster, ", but the backup is of ", kCluster));
  auto garbage = RecoveryEnvelopesOf(Sample(ToBytes("not json")));
  CHECK(garbage.status().message() ==
        "backup objects[recovery]: recovery record: not a JSON object");
}

}  // namespace
}  // namespace c8s::cli
