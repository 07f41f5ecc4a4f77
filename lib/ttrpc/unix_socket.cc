#include "lib/ttrpc/unix_socket.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "lib/base/strings.h"

namespace c8s::ttrpc {
namespace {

absl::StatusOr<sockaddr_un> Address(const std::string& path) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.empty() || path.size() >= sizeof(addr.sun_path)) {
    return absl::InvalidArgumentError(StrCat("unix socket path \"", path,
                                             "\" is empty or longer than ",
                                             sizeof(addr.sun_path) - 1, " bytes"));
  }
  std::memcpy(addr.sun_path, path.data(), path.size());
  return addr;
}

absl::StatusOr<UniqueFd> NewSocket() {
  UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd.valid()) return ErrnoStatus("socket(AF_UNIX)", errno);
  return fd;
}

}  // namespace

absl::StatusOr<UniqueFd> ConnectUnix(const std::string& path) {
  auto addr = Address(path);
  if (!addr.ok()) return addr.status();
  auto fd = NewSocket();
  if (!fd.ok()) return fd.status();
  while (::connect(fd->get(), reinterpret_cast<const sockaddr*>(&*addr), sizeof(*addr)) != 0) {
    if (errno == EINTR) continue;
    return ErrnoStatus(StrCat("connect ", path), errno);
  }
  return fd;
}

absl::StatusOr<UniqueFd> ListenUnix(const std::string& path, int backlog) {
  auto addr = Address(path);
  if (!addr.ok()) return addr.status();
  struct stat st {};
  if (::lstat(path.c_str(), &st) == 0) {
    if (!S_ISSOCK(st.st_mode)) {
      return absl::FailedPreconditionError(StrCat(path, " exists and is not a socket"));
    }
    if (::unlink(path.c_str()) != 0) return ErrnoStatus(StrCat("unlink ", path), errno);
  }
  auto fd = NewSocket();
  if (!fd.ok()) return fd.status();
  if (::bind(fd->get(), reinterpret_cast<const sockaddr*>(&*addr), sizeof(*addr)) != 0) {
    return ErrnoStatus(StrCat("bind ", path), errno);
  }
  if (::listen(fd->get(), backlog) != 0) return ErrnoStatus(StrCat("listen ", path), errno);
  return fd;
}

absl::StatusOr<UniqueFd> AcceptUnix(int listen_fd, absl::Duration timeout) {
  pollfd p{listen_fd, POLLIN, 0};
  int ms = timeout == absl::InfiniteDuration()
               ? -1
               : static_cast<int>(absl::ToInt64Milliseconds(timeout));
  while (true) {
    int n = ::poll(&p, 1, ms);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return ErrnoStatus("poll", errno);
    if (n == 0) {
      return absl::DeadlineExceededError(
          StrCat("no connection within ", absl::FormatDuration(timeout)));
    }
    break;
  }
  while (true) {
    int fd = ::accept4(listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd >= 0) return UniqueFd(fd);
    if (errno != EINTR) return ErrnoStatus("accept", errno);
  }
}

absl::StatusOr<std::pair<UniqueFd, UniqueFd>> UnixSocketPair() {
  int fds[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) {
    return ErrnoStatus("socketpair", errno);
  }
  return std::make_pair(UniqueFd(fds[0]), UniqueFd(fds[1]));
}

int PeerPid(int fd) {
  ucred cred{};
  socklen_t len = sizeof(cred);
  if (::getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0) return -1;
  return cred.pid;
}

}  // namespace c8s::ttrpc
