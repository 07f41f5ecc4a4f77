// Where the CDS persists its encrypted state: an untrusted key-value store of named blobs.
// The storage only persists; confidentiality, integrity and freshness come from SealedStore
// (sealed_store.h). Backends: a local directory (local mode) and, for tests, memory.
//
//   DirectoryStorage storage("/var/lib/c8s-cds");
//   RETURN_IF_ERROR(storage.Write("state", blob));           // atomic: old or new, never torn
//   ASSIGN_OR_RETURN(std::optional<Bytes> got, storage.Read("state"));
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "lib/base/bytes.h"

namespace c8s::cds {

class Storage {
 public:
  virtual ~Storage() = default;
  // nullopt when the object does not exist.
  virtual absl::StatusOr<std::optional<Bytes>> Read(std::string_view name) = 0;
  virtual absl::Status Write(std::string_view name, ByteSpan data) = 0;
  virtual std::string Describe() const = 0;
};

// Object names: 1-64 of [a-z0-9-], so that a name is always a safe file name.
absl::Status CheckObjectName(std::string_view name);

// One file `<dir>/<name>.blob` per object, replaced atomically (temp file, fsync, rename).
class DirectoryStorage : public Storage {
 public:
  explicit DirectoryStorage(std::string dir) : dir_(std::move(dir)) {}
  absl::StatusOr<std::optional<Bytes>> Read(std::string_view name) override;
  absl::Status Write(std::string_view name, ByteSpan data) override;
  std::string Describe() const override { return "directory " + dir_; }
  std::string PathOf(std::string_view name) const;

 private:
  std::string dir_;
};

// In memory, thread-safe. Tests reach in through objects() to play a lying storage.
class MemoryStorage : public Storage {
 public:
  absl::StatusOr<std::optional<Bytes>> Read(std::string_view name) override;
  absl::Status Write(std::string_view name, ByteSpan data) override;
  std::string Describe() const override { return "memory"; }
  std::map<std::string, Bytes> objects() const;
  void Set(std::string_view name, Bytes data);

 private:
  mutable std::mutex mu_;
  std::map<std::string, Bytes, std::less<>> objects_;
};

}  // namespace c8s::cds
