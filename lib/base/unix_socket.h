// Unix stream sockets for local APIs (the node agent's hook and pod sockets).
//
//   ASSIGN_OR_RETURN(UniqueFd listener, ListenUnixSocket("/run/c8s/agent/hook.sock", 0600));
//   ASSIGN_OR_RETURN(UniqueFd conn, ConnectUnixSocket("/run/c8s/agent/hook.sock"));
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "lib/base/fd.h"

namespace c8s {

// Binds a fresh socket at `path` (a stale socket file is replaced; any other file is an
// error), sets its mode and listens. Close-on-exec.
absl::StatusOr<UniqueFd> ListenUnixSocket(const std::string& path, int mode, int backlog = 128);
// Connects (blocking; local connects complete at once or fail). Close-on-exec.
absl::StatusOr<UniqueFd> ConnectUnixSocket(const std::string& path);

}  // namespace c8s
