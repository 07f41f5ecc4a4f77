// AF_UNIX stream sockets for ttrpc peers (NRI's /var/run/nri/nri.sock, test servers).
//
//   ASSIGN_OR_RETURN(UniqueFd listener, ListenUnix(dir + "/nri.sock"));
//   ASSIGN_OR_RETURN(UniqueFd conn, AcceptUnix(listener.get(), absl::Seconds(5)));
//   ASSIGN_OR_RETURN(UniqueFd client, ConnectUnix(dir + "/nri.sock"));
#pragma once

#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "lib/base/fd.h"

namespace c8s::ttrpc {

// All sockets are close-on-exec.
absl::StatusOr<UniqueFd> ConnectUnix(const std::string& path);
// Removes a stale socket file first (as containerd does for nri.sock); refuses to remove
// anything that is not a socket.
absl::StatusOr<UniqueFd> ListenUnix(const std::string& path, int backlog = 16);
// DEADLINE_EXCEEDED when nobody connects within `timeout`.
absl::StatusOr<UniqueFd> AcceptUnix(int listen_fd, absl::Duration timeout);
absl::StatusOr<std::pair<UniqueFd, UniqueFd>> UnixSocketPair();
// SO_PEERCRED pid of the other end (for logs), -1 if unknown.
int PeerPid(int fd);

}  // namespace c8s::ttrpc
