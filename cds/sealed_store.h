// Encrypted, versioned objects on untrusted storage (ARCHITECTURE.md §3.1 step 3): every
// object is AES-256-GCM under HKDF(seed, "c8s/state/v1"), bound to its name by the AAD, and
// carries a monotonic version inside the ciphertext, so that the storage can neither read,
// alter, swap, tear nor roll back an object without the CDS noticing.
//
//   ASSIGN_OR_RETURN(SealedStore store, SealedStore::Create(seed, &storage));
//   ASSIGN_OR_RETURN(std::optional<nlohmann::json> doc, store.Get("state"));
//   RETURN_IF_ERROR(store.Put("state", doc));                   // version n+1, read back
//
// Blob: "c8s-state-v1\n" || nonce (12) || ciphertext || tag (16); the plaintext is JSON
// {"object": name, "version": n, "doc": ...}. Versions seen are remembered per object for the
// life of this store; a blob older than one already written or read is "stale". Across a
// restart of a single replica the newest version is only what storage says (HA replicas keep
// it for each other; see README.md). Put is conditional on the storage revision last seen
// (absent for an object never read), so two writers never silently overwrite each other.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "cds/storage.h"
#include "lib/base/bytes.h"

namespace c8s::cds {

class SealedStore {
 public:
  static absl::StatusOr<SealedStore> Create(ByteSpan seed, Storage* storage);
  SealedStore(SealedStore&& other) noexcept;

  // Writes version (newest seen + 1) if storage still holds the revision last seen, and reads
  // it back: storage that acknowledges a write but keeps something else is caught here
  // ("storage did not keep the write"). Aborted on a conflicting writer.
  absl::Status Put(const std::string& name, const nlohmann::json& doc);
  // nullopt when the object was never written (and no version of it was ever seen).
  // Errors: "state object \"x\": authentication failed (corrupted, torn, or not sealed with
  // this seed)", "... stale: storage served version 3, version 5 was already seen", ...
  absl::StatusOr<std::optional<nlohmann::json>> Get(const std::string& name);
  uint64_t version(const std::string& name) const;
  Storage* storage() const { return storage_; }

  // Decrypts a blob of object `name` without touching storage or versions (backups, blobs a
  // leader replica pushes). Errors as Get's.
  absl::StatusOr<std::pair<uint64_t, nlohmann::json>> Unseal(const std::string& name,
                                                             ByteSpan blob) const;
  // Takes `blob` (version v) as the newest known state of `name`: refused when v is below a
  // version already seen. Storage is not read; the next Put re-reads its revision.
  absl::StatusOr<nlohmann::json> Adopt(const std::string& name, ByteSpan blob);
  // The newest blob written or read for `name` (what a leader pushes to followers).
  std::optional<Bytes> LastBlob(const std::string& name) const;

 private:
  SealedStore(Bytes key, Storage* storage) : key_(std::move(key)), storage_(storage) {}

  struct Known {
    uint64_t version = 0;
    std::optional<std::string> revision;  // storage revision; nullopt: re-read before writing
    Bytes blob;
  };

  Bytes key_;
  Storage* storage_;
  mutable std::mutex mu_;
  std::map<std::string, Known> seen_;
};

}  // namespace c8s::cds
