#include "cds/storage.h"

#include <fcntl.h>
#include <sys/stat.h>

#include <cerrno>

#include "lib/base/fd.h"
#include "lib/base/strings.h"

namespace c8s::cds {

absl::Status CheckObjectName(std::string_view name) {
  if (name.empty() || name.size() > 64) {
    return absl::InvalidArgumentError(StrCat("storage object name \"", name, "\": want 1-64 chars"));
  }
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) {
      return absl::InvalidArgumentError(
          StrCat("storage object name \"", name, "\": only [a-z0-9-] allowed"));
    }
  }
  return absl::OkStatus();
}

std::string DirectoryStorage::PathOf(std::string_view name) const {
  return StrCat(dir_, "/", name, ".blob");
}

absl::StatusOr<std::optional<Bytes>> DirectoryStorage::Read(std::string_view name) {
  if (absl::Status st = CheckObjectName(name); !st.ok()) return st;
  std::string path = PathOf(name);
  struct stat sb {};
  if (::stat(path.c_str(), &sb) != 0) {
    if (errno == ENOENT) return std::optional<Bytes>();
    return ErrnoStatus(StrCat("stat ", path), errno);
  }
  absl::StatusOr<std::string> data = ReadFile(path);
  if (!data.ok()) return data.status();
  return std::optional<Bytes>(ToBytes(*data));
}

absl::Status DirectoryStorage::Write(std::string_view name, ByteSpan data) {
  if (absl::Status st = CheckObjectName(name); !st.ok()) return st;
  if (::mkdir(dir_.c_str(), 0700) != 0 && errno != EEXIST) {
    return ErrnoStatus(StrCat("mkdir ", dir_), errno);
  }
  return WriteFileAtomic(PathOf(name),
                         std::string_view(reinterpret_cast<const char*>(data.data()), data.size()),
                         0600);
}

absl::StatusOr<std::optional<Bytes>> MemoryStorage::Read(std::string_view name) {
  if (absl::Status st = CheckObjectName(name); !st.ok()) return st;
  std::lock_guard lock(mu_);
  auto it = objects_.find(name);
  if (it == objects_.end()) return std::optional<Bytes>();
  return std::optional<Bytes>(it->second);
}

absl::Status MemoryStorage::Write(std::string_view name, ByteSpan data) {
  if (absl::Status st = CheckObjectName(name); !st.ok()) return st;
  std::lock_guard lock(mu_);
  objects_[std::string(name)] = Bytes(data.begin(), data.end());
  return absl::OkStatus();
}

std::map<std::string, Bytes> MemoryStorage::objects() const {
  std::lock_guard lock(mu_);
  return {objects_.begin(), objects_.end()};
}

void MemoryStorage::Set(std::string_view name, Bytes data) {
  std::lock_guard lock(mu_);
  objects_[std::string(name)] = std::move(data);
}

}  // namespace c8s::cds
