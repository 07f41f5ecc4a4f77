// Who is on the other end of a unix socket, from the kernel and never from what the peer says:
// SO_PEERPIDFD (Linux >= 6.5) names the connecting process by a pidfd, so its cgroup can be read
// without a PID-reuse race (the pidfd is checked alive after the read); older kernels fall back
// to SO_PEERCRED's pid. The cgroup path leads to the container ID (containerd's layouts for the
// systemd and cgroupfs drivers).
//
//   ASSIGN_OR_RETURN(PeerProcess peer, PeerOf(conn_fd));
//   ASSIGN_OR_RETURN(std::string cgroups, ReadPeerCgroups(peer, "/proc"));
//   ASSIGN_OR_RETURN(std::string id, ContainerIdFromCgroups(cgroups));
#pragma once

#include <sys/types.h>

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "lib/base/fd.h"

namespace c8s::podapi {

struct PeerProcess {
  pid_t pid = 0;
  uid_t uid = 0;
  UniqueFd pidfd;  // invalid when the kernel has no SO_PEERPIDFD
};

absl::StatusOr<PeerProcess> PeerOf(int socket_fd);

// /proc/<pid>/cgroup of the peer; with a pidfd, fails if the process exited meanwhile (the pid
// might then name another process).
absl::StatusOr<std::string> ReadPeerCgroups(const PeerProcess& peer, const std::string& proc_root);

// The container ID in a /proc/<pid>/cgroup text: the cgroup v2 line ("0::/...") first, then the
// v1 lines. In a path, the first component from the root that names a container wins, so a
// container cannot pose as another by creating a child cgroup named after it. Recognised
// components: "<64 hex>" (cgroupfs driver) and "cri-containerd-<64 hex>.scope" (systemd).
absl::StatusOr<std::string> ContainerIdFromCgroups(std::string_view cgroup_file);

// The cgroup v2 path in a /proc/<pid>/cgroup text ("" when there is no "0::" line).
std::string CgroupV2Path(std::string_view cgroup_file);

}  // namespace c8s::podapi
