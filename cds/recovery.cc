#include "cds/recovery.h"

#include "lib/base/status.h"
#include "lib/base/strings.h"
#include "lib/crypto/hpke.h"
#include "lib/manifest/sealing.h"

namespace c8s::cds {
namespace {

crypto::hpke::Suite SealSuite() { return crypto::hpke::Suite{crypto::hpke::Aead::kAes128Gcm}; }

absl::Status Bad(std::string_view what) {
  return absl::DataLossError(StrCat("recovery record: ", what));
}

}  // namespace

nlohmann::json ToJson(const RecoveryRecord& r) {
  nlohmann::json envs = nlohmann::json::array();
  for (const RecoveryEnvelope& e : r.envelopes) {
    envs.push_back({{"keyName", e.key_name},
                    {"publicKey", e.public_key_pem},
                    {"suite", std::string(manifest::kSealSuite)},
                    {"enc", Base64Encode(e.enc)},
                    {"ciphertext", Base64Encode(e.ciphertext)}});
  }
  return {{"cluster", r.cluster}, {"generation", r.generation}, {"envelopes", envs}};
}

absl::StatusOr<RecoveryRecord> ParseRecoveryRecord(std::string_view text) {
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return Bad("not a JSON object");
  if (!j.contains("cluster") || !j["cluster"].is_string() || !j.contains("generation") ||
      !j["generation"].is_number_integer() || !j.contains("envelopes") ||
      !j["envelopes"].is_array()) {
    return Bad("want {cluster, generation, envelopes}");
  }
  RecoveryRecord r;
  r.cluster = j["cluster"].get<std::string>();
  r.generation = j["generation"].get<int64_t>();
  for (const nlohmann::json& e : j["envelopes"]) {
    if (!e.is_object()) return Bad("envelope is not an object");
    for (const char* k : {"keyName", "publicKey", "suite", "enc", "ciphertext"}) {
      if (!e.contains(k) || !e[k].is_string()) return Bad(StrCat("envelope without ", k));
    }
    if (e["suite"].get<std::string>() != manifest::kSealSuite) {
      return Bad(StrCat("envelope suite ", e["suite"].get<std::string>(), ", want ",
                        manifest::kSealSuite));
    }
    absl::StatusOr<Bytes> enc = Base64Decode(e["enc"].get<std::string>());
    absl::StatusOr<Bytes> ct = Base64Decode(e["ciphertext"].get<std::string>());
    if (!enc.ok() || !ct.ok()) return Bad("envelope with bad base64");
    r.envelopes.push_back({e["keyName"].get<std::string>(), e["publicKey"].get<std::string>(),
                           std::move(*enc), std::move(*ct)});
  }
  return r;
}

absl::StatusOr<RecoveryRecord> SealSeedToRecoveryKeys(ByteSpan seed, std::string_view cluster,
                                                      int64_t generation,
                                                      const std::vector<manifest::NamedKey>& keys) {
  RecoveryRecord r{std::string(cluster), generation, {}};
  for (const manifest::NamedKey& k : keys) {
    absl::StatusOr<crypto::PublicKey> pub = crypto::PublicKey::FromPem(k.public_key_pem);
    if (!pub.ok()) return Annotate(pub.status(), StrCat("recovery key ", k.name));
    absl::StatusOr<crypto::hpke::Sealed> box =
        crypto::hpke::Seal(SealSuite(), *pub, manifest::SeedEnvelopeInfo(cluster), {}, seed);
    if (!box.ok()) return Annotate(box.status(), StrCat("recovery key ", k.name));
    r.envelopes.push_back(
        {k.name, k.public_key_pem, std::move(box->enc), std::move(box->ciphertext)});
  }
  return r;
}

bool SameRecoveryKeys(const RecoveryRecord& r, const std::vector<manifest::NamedKey>& keys) {
  if (r.envelopes.size() != keys.size()) return false;
  for (size_t i = 0; i < keys.size(); ++i) {
    if (r.envelopes[i].key_name != keys[i].name ||
        r.envelopes[i].public_key_pem != keys[i].public_key_pem) {
      return false;
    }
  }
  return true;
}

absl::StatusOr<Bytes> OpenRecoveryEnvelope(const RecoveryEnvelope& e, std::string_view cluster,
                                           const crypto::PrivateKey& key) {
  absl::StatusOr<Bytes> seed = crypto::hpke::Open(
      SealSuite(), key, e.enc, manifest::SeedEnvelopeInfo(cluster), {}, e.ciphertext);
  if (!seed.ok()) {
    return absl::PermissionDeniedError(StrCat("recovery envelope for key ", e.key_name,
                                              ": cannot be opened with this key for cluster ",
                                              cluster, ": ", StatusText(seed.status())));
  }
  return seed;
}

absl::StatusOr<SeedTransfer> SealSeedForTransfer(ByteSpan seed, std::string_view cluster,
                                                 ByteSpan recipient_public_raw) {
  ASSIGN_OR_RETURN(crypto::hpke::Sealed box,
                   crypto::hpke::Seal(SealSuite(), recipient_public_raw,
                                      manifest::SeedEnvelopeInfo(cluster), {}, seed));
  return SeedTransfer{std::move(box.enc), std::move(box.ciphertext)};
}

absl::StatusOr<Bytes> OpenSeedTransfer(const SeedTransfer& t, std::string_view cluster,
                                       ByteSpan recipient_private_raw) {
  absl::StatusOr<Bytes> seed =
      crypto::hpke::Open(SealSuite(), recipient_private_raw, t.enc,
                         manifest::SeedEnvelopeInfo(cluster), {}, t.ciphertext);
  if (!seed.ok()) {
    return absl::PermissionDeniedError(
        StrCat("seed: cannot be opened with this CDS's recipient key for cluster ", cluster,
               " (sealed to another key or cluster, or tampered)"));
  }
  if (seed->size() != 32) {
    return absl::InvalidArgumentError(StrCat("seed: ", seed->size(), " bytes, want 32"));
  }
  return seed;
}

}  // namespace c8s::cds
