// The life of one CDS process (ARCHITECTURE.md §3.1 steps 3 and 6): it is either *sealed*
// (no seed: the state in storage cannot be opened; it waits for a replica to hand it the seed
// or for an owner's Recovery.Recover) or *open* (a Cds). Recovery and backups live here
// because they must work without the seed.
//
//   ASSIGN_OR_RETURN(auto rt, CdsRuntime::Start(config));
//   if (std::shared_ptr<Cds> cds = rt->cds()) ... else  // sealed: UNAVAILABLE to callers
//   ASSIGN_OR_RETURN(RecoveryChallenge ch, rt->GetRecoveryChallenge(nonce));   // owner verifies
//   ASSIGN_OR_RETURN(RecoverResult r, rt->Recover(transfer, {}));              // now open
//
// Seed rules: a seed is created only on empty storage (and the creation is conditional, so two
// replicas never both create a CA); a process that finds state but no seed never makes one.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "cds/cds.h"
#include "cds/own_evidence.h"
#include "cds/recovery.h"
#include "lib/crypto/hpke.h"

namespace c8s::cds {

// Where one replica keeps its seed across restarts.
class SeedStore {
 public:
  virtual ~SeedStore() = default;
  virtual absl::StatusOr<std::optional<Bytes>> Load() = 0;
  virtual absl::Status Save(ByteSpan seed) = 0;
  virtual void Clear() = 0;
  virtual std::string Describe() const = 0;
};

// Local mode (development): a 0600 file, in plaintext.
class FileSeedStore : public SeedStore {
 public:
  explicit FileSeedStore(std::string path) : path_(std::move(path)) {}
  absl::StatusOr<std::optional<Bytes>> Load() override;
  absl::Status Save(ByteSpan seed) override;
  void Clear() override;
  std::string Describe() const override { return "file " + path_; }

 private:
  std::string path_;
};

// Cluster mode: the seed lives only in this process's memory.
class MemorySeedStore : public SeedStore {
 public:
  absl::StatusOr<std::optional<Bytes>> Load() override { return std::optional<Bytes>(); }
  absl::Status Save(ByteSpan) override { return absl::OkStatus(); }
  void Clear() override {}
  std::string Describe() const override { return "memory only"; }
};

struct RuntimeConfig {
  Storage* storage = nullptr;
  CdsOptions options;
  const Clock* clock = &Clock::Real();
  std::string audit_path;  // empty: memory only
  SeedStore* seed_store = nullptr;
  OwnEvidence* evidence = nullptr;  // null: no GetAttestation / recovery challenge
  bool may_create = true;           // create the cluster on empty storage
};

struct RecoveryChallenge {
  OwnEvidenceResult evidence;            // c8s/pod/v1 wrapping c8s/recover/v1(nonce, H(recipient))
  Bytes recipient_public_key;            // raw X25519
  std::optional<RecoveryRecord> record;  // the envelopes storage holds, if any
};

struct RecoverResult {
  int64_t generation = 0;
  std::string head_hash;
  std::string cluster;
};

struct StoredObject {
  std::string name;
  Bytes blob;
};

class CdsRuntime {
 public:
  static absl::StatusOr<std::unique_ptr<CdsRuntime>> Start(RuntimeConfig config);

  std::shared_ptr<Cds> cds() const;  // null while sealed
  bool sealed() const { return cds() == nullptr; }
  // Opens the stored state with `seed` (a replica handed it over, or recovery): the seed must
  // open what storage holds. `how` is audited.
  absl::Status Unseal(ByteSpan seed, std::string_view how);

  // Recovery (sealed only). The recipient key is one-time: a fresh one after each Recover.
  absl::StatusOr<RecoveryChallenge> GetRecoveryChallenge(ByteSpan nonce);
  // `restore`: objects from a backup, written to storage where it holds nothing newer.
  absl::StatusOr<RecoverResult> Recover(const SeedTransfer& transfer,
                                        const std::vector<StoredObject>& restore);
  // Every object as stored (encrypted state, plaintext recovery envelopes).
  absl::StatusOr<std::vector<StoredObject>> ExportBackup();

  // Called (without locks) once the runtime has opened (after Start or Unseal).
  void AddOpenListener(std::function<void()> listener);
  AuditLog& audit() const;
  Storage* storage() const { return config_.storage; }
  const RuntimeConfig& config() const { return config_; }
  // The plaintext recovery record in storage (readable while sealed), if any.
  absl::StatusOr<std::optional<RecoveryRecord>> StoredRecovery() const;

 private:
  explicit CdsRuntime(RuntimeConfig config) : config_(std::move(config)) {}
  absl::Status Boot();
  absl::Status OpenWith(ByteSpan seed, bool create, std::string_view how);
  absl::Status Refuse(std::string_view event, const absl::Status& st);

  RuntimeConfig config_;
  mutable std::mutex mu_;
  std::shared_ptr<AuditLog> audit_;
  std::shared_ptr<Cds> cds_;
  crypto::hpke::KeyPair recipient_;
  std::vector<std::function<void()>> listeners_;
};

}  // namespace c8s::cds
