#include "lib/base/unix_socket.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "lib/base/strings.h"

namespace c8s {
namespace {

absl::StatusOr<sockaddr_un> Address(const std::string& path) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.empty() || path.size() >= sizeof(addr.sun_path)) {
    return absl::InvalidArgumentError(
        StrCat("unix socket path \"", path, "\": must be 1-", sizeof(addr.sun_path) - 1, " bytes"));
  }
  std::memcpy(addr.sun_path, path.data(), path.size());
  return addr;
}

}  // namespace

absl::StatusOr<UniqueFd> ListenUnixSocket(const std::string& path, int mode, int backlog) {
  absl::StatusOr<sockaddr_un> addr = Address(path);
  if (!addr.ok()) return addr.status();
  struct stat st {};
  if (::lstat(path.c_str(), &st) == 0) {
    if (!S_ISSOCK(st.st_mode)) {
      return absl::AlreadyExistsError(StrCat(path, " exists and is not a socket"));
    }
    if (::unlink(path.c_str()) != 0) return ErrnoStatus(StrCat("unlink ", path), errno);
  }
  UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd.valid()) return ErrnoStatus("socket", errno);
  // Until the chmod the file has 0777 & ~umask; connecting needs write permission, which the
  // usual umask (022) gives nobody but the owner.
  if (::bind(fd.get(), reinterpret_cast<const sockaddr*>(&*addr), sizeof(*addr)) != 0) {
    return ErrnoStatus(StrCat("bind ", path), errno);
  }
  if (::chmod(path.c_str(), static_cast<mode_t>(mode)) != 0) {
    return ErrnoStatus(StrCat("chmod ", path), errno);
  }
  if (::listen(fd.get(), backlog) != 0) return ErrnoStatus(StrCat("listen ", path), errno);
  return fd;
}

absl::StatusOr<UniqueFd> ConnectUnixSocket(const std::string& path) {
  absl::StatusOr<sockaddr_un> addr = Address(path);
  if (!addr.ok()) return addr.status();
  UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd.valid()) return ErrnoStatus("socket", errno);
  if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&*addr), sizeof(*addr)) != 0) {
    return ErrnoStatus(StrCat("connect ", path), errno);
  }
  return fd;
}

}  // namespace c8s
