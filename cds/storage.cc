#include "cds/storage.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>

#include "lib/base/fd.h"
#include "lib/base/strings.h"
#include "lib/crypto/hash.h"

namespace c8s::cds {
namespace {

constexpr std::string_view kSuffix = ".blob";

std::string ContentRevision(ByteSpan data) { return crypto::Sha256Prefixed(data); }

}  // namespace

absl::Status CheckObjectName(std::string_view name) {
  if (name.empty() || name.size() > 64) {
    return absl::InvalidArgumentError(
        StrCat("storage object name \"", name, "\": want 1-64 chars"));
  }
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) {
      return absl::InvalidArgumentError(
          StrCat("storage object name \"", name, "\": only [a-z0-9-] allowed"));
    }
  }
  return absl::OkStatus();
}

absl::Status StorageConflict(std::string_view name, std::string_view expected,
                             std::string_view actual) {
  return absl::AbortedError(StrCat("storage conflict on \"", name, "\": expected revision ",
                                   expected.empty() ? "(absent)" : expected, ", found ",
                                   actual.empty() ? "(absent)" : actual,
                                   " (another writer got there first)"));
}

std::string DirectoryStorage::PathOf(std::string_view name) const {
  return StrCat(dir_, "/", name, kSuffix);
}

absl::StatusOr<std::optional<Blob>> DirectoryStorage::Read(std::string_view name) {
  if (absl::Status st = CheckObjectName(name); !st.ok()) return st;
  std::string path = PathOf(name);
  struct stat sb {};
  if (::stat(path.c_str(), &sb) != 0) {
    if (errno == ENOENT) return std::optional<Blob>();
    return ErrnoStatus(StrCat("stat ", path), errno);
  }
  absl::StatusOr<std::string> data = ReadFile(path);
  if (!data.ok()) return data.status();
  Bytes bytes = ToBytes(*data);
  std::string revision = ContentRevision(bytes);
  return std::optional<Blob>(Blob{std::move(bytes), std::move(revision)});
}

absl::StatusOr<std::string> DirectoryStorage::Write(std::string_view name, ByteSpan data,
                                                    const std::optional<std::string>& expected) {
  if (absl::Status st = CheckObjectName(name); !st.ok()) return st;
  if (::mkdir(dir_.c_str(), 0700) != 0 && errno != EEXIST) {
    return ErrnoStatus(StrCat("mkdir ", dir_), errno);
  }
  UniqueFd lock;
  if (expected.has_value()) {
    absl::StatusOr<UniqueFd> fd = OpenFile(dir_ + "/.lock", O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (!fd.ok()) return fd.status();
    if (::flock(fd->get(), LOCK_EX) != 0) return ErrnoStatus(StrCat("flock ", dir_), errno);
    lock = std::move(*fd);
    absl::StatusOr<std::optional<Blob>> current = Read(name);
    if (!current.ok()) return current.status();
    std::string actual = current->has_value() ? (*current)->revision : "";
    if (actual != *expected) return StorageConflict(name, *expected, actual);
  }
  absl::Status st = WriteFileAtomic(PathOf(name), AsChars(data), 0600);
  if (!st.ok()) return st;
  return ContentRevision(data);
}

absl::StatusOr<std::vector<std::string>> DirectoryStorage::List() {
  std::vector<std::string> out;
  DIR* d = ::opendir(dir_.c_str());
  if (d == nullptr) {
    if (errno == ENOENT) return out;
    return ErrnoStatus(StrCat("opendir ", dir_), errno);
  }
  while (struct dirent* e = ::readdir(d)) {
    std::string n = e->d_name;
    if (n.size() <= kSuffix.size() || n.substr(n.size() - kSuffix.size()) != kSuffix) continue;
    n.resize(n.size() - kSuffix.size());
    if (CheckObjectName(n).ok()) out.push_back(std::move(n));
  }
  ::closedir(d);
  std::sort(out.begin(), out.end());
  return out;
}

absl::StatusOr<std::optional<Blob>> MemoryStorage::Read(std::string_view name) {
  if (absl::Status st = CheckObjectName(name); !st.ok()) return st;
  std::lock_guard lock(mu_);
  auto it = objects_.find(name);
  if (it == objects_.end()) return std::optional<Blob>();
  return std::optional<Blob>(Blob{it->second.first, it->second.second});
}

absl::StatusOr<std::string> MemoryStorage::Write(std::string_view name, ByteSpan data,
                                                 const std::optional<std::string>& expected) {
  if (absl::Status st = CheckObjectName(name); !st.ok()) return st;
  std::lock_guard lock(mu_);
  auto it = objects_.find(name);
  if (expected.has_value()) {
    std::string actual = it == objects_.end() ? "" : it->second.second;
    if (actual != *expected) return StorageConflict(name, *expected, actual);
  }
  std::string revision = std::to_string(++counter_);
  objects_[std::string(name)] = {Bytes(data.begin(), data.end()), revision};
  return revision;
}

absl::StatusOr<std::vector<std::string>> MemoryStorage::List() {
  std::lock_guard lock(mu_);
  std::vector<std::string> out;
  for (const auto& [name, blob] : objects_) out.push_back(name);
  return out;
}

std::map<std::string, Bytes> MemoryStorage::objects() const {
  std::lock_guard lock(mu_);
  std::map<std::string, Bytes> out;
  for (const auto& [name, blob] : objects_) out[name] = blob.first;
  return out;
}

void MemoryStorage::Set(std::string_view name, Bytes data) {
  std::lock_guard lock(mu_);
  objects_[std::string(name)] = {std::move(data), std::to_string(++counter_)};
}

}  // namespace c8s::cds
