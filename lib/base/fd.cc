#include "lib/base/fd.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "lib/base/strings.h"

namespace c8s {

void UniqueFd::reset(int fd) {
  if (fd_ >= 0) ::close(fd_);
  fd_ = fd;
}

absl::Status ErrnoStatus(std::string_view operation, int err) {
  std::string msg = StrCat(operation, ": ", std::strerror(err));
  switch (err) {
    case ENOENT: return absl::NotFoundError(msg);
    case EACCES:
    case EPERM: return absl::PermissionDeniedError(msg);
    case EEXIST: return absl::AlreadyExistsError(msg);
    case EINVAL: return absl::InvalidArgumentError(msg);
    case EAGAIN:
    case ETIMEDOUT: return absl::UnavailableError(msg);
    default: return absl::InternalError(msg);
  }
}

absl::StatusOr<UniqueFd> OpenFile(const std::string& path, int flags, int mode) {
  int fd = ::open(path.c_str(), flags | O_CLOEXEC, mode);
  if (fd < 0) return ErrnoStatus(StrCat("open ", path), errno);
  return UniqueFd(fd);
}

absl::StatusOr<std::string> ReadFile(const std::string& path, size_t max_bytes) {
  auto fd = OpenFile(path, O_RDONLY);
  if (!fd.ok()) return fd.status();
  std::string out;
  char buf[65536];
  while (true) {
    ssize_t n = ::read(fd->get(), buf, sizeof(buf));
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus(StrCat("read ", path), errno);
    }
    if (n == 0) break;
    if (out.size() + n > max_bytes) {
      return absl::ResourceExhaustedError(
          StrCat("read ", path, ": larger than the limit of ", max_bytes, " bytes"));
    }
    out.append(buf, n);
  }
  return out;
}

absl::Status WriteAll(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus("write", errno);
    }
    data.remove_prefix(n);
  }
  return absl::OkStatus();
}

absl::Status WriteFile(const std::string& path, std::string_view data, int mode) {
  auto fd = OpenFile(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
  if (!fd.ok()) return fd.status();
  return WriteAll(fd->get(), data);
}

absl::Status WriteFileAtomic(const std::string& path, std::string_view data, int mode) {
  std::string tmp = StrCat(path, ".tmp.", ::getpid());
  {
    auto fd = OpenFile(tmp, O_WRONLY | O_CREAT | O_TRUNC, mode);
    if (!fd.ok()) return fd.status();
    if (auto st = WriteAll(fd->get(), data); !st.ok()) {
      ::unlink(tmp.c_str());
      return st;
    }
    if (::fsync(fd->get()) != 0) {
      int err = errno;
      ::unlink(tmp.c_str());
      return ErrnoStatus(StrCat("fsync ", tmp), err);
    }
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    return ErrnoStatus(StrCat("rename ", tmp, " -> ", path), err);
  }
  return absl::OkStatus();
}

}  // namespace c8s
