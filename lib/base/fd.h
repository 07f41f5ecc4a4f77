// RAII file descriptor and small file helpers.
//
//   ASSIGN_OR_RETURN(UniqueFd fd, OpenFile(path, O_RDONLY));
//   ASSIGN_OR_RETURN(std::string data, ReadFile(path));
//   RETURN_IF_ERROR(WriteFileAtomic(path, data, 0600));   // temp file + fsync + rename
#pragma once

#include <string>
#include <string_view>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace c8s {

class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  UniqueFd(UniqueFd&& other) noexcept : fd_(other.release()) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept {
    if (this != &other) reset(other.release());
    return *this;
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  ~UniqueFd() { reset(); }

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  int release() { return std::exchange(fd_, -1); }
  void reset(int fd = -1);

 private:
  int fd_ = -1;
};

// errno as a Status that names the operation and the path: "open /x: No such file or directory".
absl::Status ErrnoStatus(std::string_view operation, int err);

absl::StatusOr<UniqueFd> OpenFile(const std::string& path, int flags, int mode = 0);
// Reads a whole file; refuses files above `max_bytes` (outside input is bounded).
absl::StatusOr<std::string> ReadFile(const std::string& path, size_t max_bytes = 64 << 20);
absl::Status WriteFile(const std::string& path, std::string_view data, int mode = 0644);
// Writes to a temporary file in the same directory, fsyncs it and renames it over `path`, so a
// reader sees the old or the new content, never a torn one.
absl::Status WriteFileAtomic(const std::string& path, std::string_view data, int mode = 0600);
// write(2) until done or error.
absl::Status WriteAll(int fd, std::string_view data);

}  // namespace c8s
