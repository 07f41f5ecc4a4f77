#include "node-agent/podapi/peer.h"

#include <signal.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <vector>

#include "lib/base/status.h"
#include "lib/base/strings.h"

#ifndef SO_PEERPIDFD
#define SO_PEERPIDFD 77
#endif

namespace c8s::podapi {
namespace {

bool IsHex64(std::string_view s) {
  if (s.size() != 64) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

std::string_view ContainerIdOf(std::string_view component) {
  if (IsHex64(component)) return component;
  constexpr std::string_view kPrefix = "cri-containerd-", kSuffix = ".scope";
  if (component.size() == kPrefix.size() + 64 + kSuffix.size() &&
      component.substr(0, kPrefix.size()) == kPrefix &&
      component.substr(component.size() - kSuffix.size()) == kSuffix) {
    std::string_view id = component.substr(kPrefix.size(), 64);
    if (IsHex64(id)) return id;
  }
  return {};
}

std::string_view IdInPath(std::string_view path) {
  size_t pos = 0;
  while (pos < path.size()) {
    size_t end = path.find('/', pos);
    if (end == std::string_view::npos) end = path.size();
    std::string_view id = ContainerIdOf(path.substr(pos, end - pos));
    if (!id.empty()) return id;
    pos = end + 1;
  }
  return {};
}

// (hierarchy id, controllers, path) of each line "id:controllers:path".
struct CgroupLine {
  std::string_view hierarchy, controllers, path;
};

std::vector<CgroupLine> Lines(std::string_view text) {
  std::vector<CgroupLine> out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    size_t a = line.find(':');
    if (a == std::string_view::npos) continue;
    size_t b = line.find(':', a + 1);
    if (b == std::string_view::npos) continue;
    out.push_back({line.substr(0, a), line.substr(a + 1, b - a - 1), line.substr(b + 1)});
  }
  return out;
}

}  // namespace

absl::StatusOr<PeerProcess> PeerOf(int socket_fd) {
  PeerProcess peer;
  struct ucred cred {};
  socklen_t len = sizeof(cred);
  if (::getsockopt(socket_fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0) {
    return ErrnoStatus("getsockopt SO_PEERCRED", errno);
  }
  if (cred.pid <= 0) return absl::PermissionDeniedError("peer has no process (pid 0)");
  peer.pid = cred.pid;
  peer.uid = cred.uid;
  int pidfd = -1;
  len = sizeof(pidfd);
  if (::getsockopt(socket_fd, SOL_SOCKET, SO_PEERPIDFD, &pidfd, &len) == 0 && pidfd >= 0) {
    peer.pidfd = UniqueFd(pidfd);
  } else if (errno != ENOPROTOOPT && errno != EINVAL) {
    // The peer is gone (ESRCH) or something else is wrong: never fall back silently.
    return ErrnoStatus("getsockopt SO_PEERPIDFD", errno);
  }
  return peer;
}

absl::StatusOr<std::string> ReadPeerCgroups(const PeerProcess& peer, const std::string& proc_root) {
  std::string path = StrCat(proc_root, "/", peer.pid, "/cgroup");
  ASSIGN_OR_RETURN(std::string text, ReadFile(path, 1 << 16));
  if (peer.pidfd.valid() &&
      ::syscall(SYS_pidfd_send_signal, peer.pidfd.get(), 0, nullptr, 0) != 0) {
    return absl::PermissionDeniedError(
        StrCat("peer process ", peer.pid, " exited while it was being identified"));
  }
  return text;
}

std::string CgroupV2Path(std::string_view cgroup_file) {
  for (const CgroupLine& l : Lines(cgroup_file)) {
    if (l.hierarchy == "0" && l.controllers.empty()) return std::string(l.path);
  }
  return "";
}

absl::StatusOr<std::string> ContainerIdFromCgroups(std::string_view cgroup_file) {
  std::vector<CgroupLine> lines = Lines(cgroup_file);
  for (const CgroupLine& l : lines) {
    if (l.hierarchy == "0" && l.controllers.empty()) {
      std::string_view id = IdInPath(l.path);
      if (!id.empty()) return std::string(id);
    }
  }
  for (const CgroupLine& l : lines) {
    std::string_view id = IdInPath(l.path);
    if (!id.empty()) return std::string(id);
  }
  std::string v2 = CgroupV2Path(cgroup_file);
  return absl::PermissionDeniedError(
      StrCat("caller is not in a container's cgroup (cgroup v2 path \"", v2, "\")"));
}

}  // namespace c8s::podapi
