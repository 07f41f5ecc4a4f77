// Encrypted, versioned objects on untrusted storage (ARCHITECTURE.md §3.1 step 3): every
// object is AES-256-GCM under HKDF(seed, "c8s/state/v1"), bound to its name by the AAD, and
// carries a monotonic version inside the ciphertext, so that the storage can neither read,
// alter, swap, tear nor roll back an object without the CDS noticing.
//
//   ASSIGN_OR_RETURN(SealedStore store, SealedStore::Create(seed, &storage));
//   RETURN_IF_ERROR(store.Put("state", doc));                   // version n+1, read back
//   ASSIGN_OR_RETURN(std::optional<nlohmann::json> doc, store.Get("state"));
//
// Blob: "c8s-state-v1\n" || nonce (12) || ciphertext || tag (16); the plaintext is JSON
// {"object": name, "version": n, "doc": ...}. Versions seen are remembered per object for the
// life of this store; a blob older than one already written or read is "stale". Across a
// restart of a single replica the newest version is only what storage says (HA replicas keep
// it for each other; see README.md).
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

  // Writes version (newest seen + 1) and reads it back: storage that acknowledges a write
  // but keeps something else is caught here ("storage did not keep the write").
  absl::Status Put(const std::string& name, const nlohmann::json& doc);
  // nullopt when the object was never written (and no version of it was ever seen).
  // Errors: "state object \"x\": authentication failed (corrupted, torn, or not sealed with
  // this seed)", "... stale: storage served version 3, version 5 was already seen", ...
  absl::StatusOr<std::optional<nlohmann::json>> Get(const std::string& name);
  uint64_t version(const std::string& name) const;
  Storage* storage() const { return storage_; }

 private:
  SealedStore(Bytes key, Storage* storage) : key_(std::move(key)), storage_(storage) {}
  absl::StatusOr<std::pair<uint64_t, nlohmann::json>> Open(const std::string& name,
                                                          ByteSpan blob) const;

  Bytes key_;
  Storage* storage_;
  mutable std::mutex mu_;
  std::map<std::string, uint64_t> seen_;
};

}  // namespace c8s::cds
