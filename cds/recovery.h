// Recovery envelopes (ARCHITECTURE.md §3.1 step 3, §3.6): once claimed, the seed is
// HPKE-sealed to every recovery key of the active manifest (info "c8s/seed/v1" || cluster,
// lib/manifest/sealing.h). The record is stored twice: inside the sealed state, and as the
// plaintext object "recovery" that a CDS without the seed can read and hand to owners
// (it holds only ciphertexts to owner keys, so untrusted storage may keep it in the clear).
//
//   ASSIGN_OR_RETURN(RecoveryRecord r, SealSeedToRecoveryKeys(seed, cluster, gen,
//   m.recovery_keys)); ASSIGN_OR_RETURN(Bytes seed, OpenRecoveryEnvelope(r.envelopes[0], cluster,
//   owner_key)); ASSIGN_OR_RETURN(SeedTransfer t, SealSeedForTransfer(seed, cluster,
//   cds_recipient_raw));
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "lib/base/bytes.h"
#include "lib/crypto/keys.h"
#include "lib/manifest/model.h"
#include "nlohmann/json.hpp"

namespace c8s::cds {

inline constexpr char kRecoveryObject[] = "recovery";

struct RecoveryEnvelope {
  std::string key_name;
  std::string public_key_pem;
  Bytes enc;
  Bytes ciphertext;
  bool operator==(const RecoveryEnvelope&) const = default;
};

struct RecoveryRecord {
  std::string cluster;
  int64_t generation = 0;  // the manifest whose recovery keys these are
  std::vector<RecoveryEnvelope> envelopes;
  bool operator==(const RecoveryRecord&) const = default;
};

nlohmann::json ToJson(const RecoveryRecord& r);
// Outside input (read from untrusted storage or a backup file): every field checked.
absl::StatusOr<RecoveryRecord> ParseRecoveryRecord(std::string_view text);

// One envelope per key, in the manifest's order. Keys must be X25519.
absl::StatusOr<RecoveryRecord> SealSeedToRecoveryKeys(ByteSpan seed, std::string_view cluster,
                                                      int64_t generation,
                                                      const std::vector<manifest::NamedKey>& keys);
// True when `r` was made for exactly these keys (no need to re-seal).
bool SameRecoveryKeys(const RecoveryRecord& r, const std::vector<manifest::NamedKey>& keys);

// Owner side: the seed from an envelope with the recovery private key.
absl::StatusOr<Bytes> OpenRecoveryEnvelope(const RecoveryEnvelope& envelope,
                                           std::string_view cluster,
                                           const crypto::PrivateKey& recovery_key);

struct SeedTransfer {
  Bytes enc;
  Bytes ciphertext;
};
// The seed sealed to a CDS's one-time recipient key (Recover, replica join).
absl::StatusOr<SeedTransfer> SealSeedForTransfer(ByteSpan seed, std::string_view cluster,
                                                 ByteSpan recipient_public_raw);
absl::StatusOr<Bytes> OpenSeedTransfer(const SeedTransfer& t, std::string_view cluster,
                                       ByteSpan recipient_private_raw);

}  // namespace c8s::cds
