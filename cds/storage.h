// Where the CDS persists its encrypted state: an untrusted key-value store of named blobs.
// The storage only persists; confidentiality, integrity and freshness come from SealedStore
// (sealed_store.h). Backends: a local directory (local mode), a Kubernetes Secret per object
// (kube_storage.h) and, for tests, memory.
//
//   DirectoryStorage storage("/var/lib/c8s-cds/objects");
//   ASSIGN_OR_RETURN(std::string rev, storage.Write("state", blob, /*expected=*/""));  // create
//   ASSIGN_OR_RETURN(std::optional<Blob> got, storage.Read("state"));
//   storage.Write("state", next, got->revision);   // Aborted if someone wrote in between
//
// Every write is atomic (old or new, never torn). A revision is the backend's opaque version
// token (content hash, resourceVersion); conditional writes make two writers (two replicas
// believing they lead, two replicas creating a CA on empty storage) fail instead of
// overwriting each other, as long as the storage is honest. Dishonest storage is caught by
// SealedStore's read-back and versions and by the replicas comparing heads.
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "lib/base/bytes.h"

namespace c8s::cds {

struct Blob {
  Bytes data;
  std::string revision;
};

class Storage {
 public:
  virtual ~Storage() = default;
  // nullopt when the object does not exist.
  virtual absl::StatusOr<std::optional<Blob>> Read(std::string_view name) = 0;
  // Replaces the object. With `expected_revision`: only if the object is still at that
  // revision ("" = only if it does not exist), else Aborted "storage conflict: ...". Returns
  // the new revision.
  virtual absl::StatusOr<std::string> Write(
      std::string_view name, ByteSpan data,
      const std::optional<std::string>& expected_revision = std::nullopt) = 0;
  // Names of every object, sorted.
  virtual absl::StatusOr<std::vector<std::string>> List() = 0;
  virtual std::string Describe() const = 0;
};

// Object names: 1-64 of [a-z0-9-], so that a name is always a safe file and Secret name.
absl::Status CheckObjectName(std::string_view name);
// The conflict error every backend returns.
absl::Status StorageConflict(std::string_view name, std::string_view expected,
                             std::string_view actual);

// One file `<dir>/<name>.blob` per object, replaced atomically (temp file, fsync, rename);
// conditional writes hold an flock on `<dir>/.lock`, so that several processes sharing the
// directory (replicas in local tests) serialize. Revision: "sha256:<hex of the content>".
class DirectoryStorage : public Storage {
 public:
  explicit DirectoryStorage(std::string dir) : dir_(std::move(dir)) {}
  absl::StatusOr<std::optional<Blob>> Read(std::string_view name) override;
  absl::StatusOr<std::string> Write(
      std::string_view name, ByteSpan data,
      const std::optional<std::string>& expected = std::nullopt) override;
  absl::StatusOr<std::vector<std::string>> List() override;
  std::string Describe() const override { return "directory " + dir_; }
  std::string PathOf(std::string_view name) const;

 private:
  std::string dir_;
};

// In memory, thread-safe. Tests reach in through objects()/Set() to play a lying storage.
class MemoryStorage : public Storage {
 public:
  absl::StatusOr<std::optional<Blob>> Read(std::string_view name) override;
  absl::StatusOr<std::string> Write(
      std::string_view name, ByteSpan data,
      const std::optional<std::string>& expected = std::nullopt) override;
  absl::StatusOr<std::vector<std::string>> List() override;
  std::string Describe() const override { return "memory"; }
  std::map<std::string, Bytes> objects() const;
  void Set(std::string_view name, Bytes data);

 private:
  mutable std::mutex mu_;
  uint64_t counter_ = 0;
  std::map<std::string, std::pair<Bytes, std::string>, std::less<>> objects_;
};

}  // namespace c8s::cds
