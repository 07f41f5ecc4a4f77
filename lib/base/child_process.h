// Child processes of tests, benchmarks and tools that start c8s binaries: fork + exec with
// the child's standard streams redirected, the port file a server writes once it listens, and
// reaping with the child's CPU time (what the benchmarks report).
//
//   ASSIGN_OR_RETURN(pid_t pid, SpawnChild({bin, "--port-file", dir + "/port"}));
//   ASSIGN_OR_RETURN(int port, WaitForPortFile(dir + "/port", pid));
//   double cpu = StopChild(pid).cpu_seconds;
#pragma once

#include <signal.h>
#include <sys/types.h>

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace c8s {

struct ChildOptions {
  // Files for the child's standard streams; empty: inherited from the parent.
  std::string stdin_path;
  std::string stdout_path;
  std::string stderr_path;
  // Append to stdout_path / stderr_path instead of truncating them.
  bool append = false;
  // SIGKILL the child when the thread that spawned it ends (a crashed benchmark leaves no
  // server behind). Only for children spawned from a thread that outlives them.
  bool die_with_parent = false;
};

// Forks and execs argv[0] with `argv`. A child that cannot exec exits with 127.
absl::StatusOr<pid_t> SpawnChild(std::vector<std::string> argv, const ChildOptions& options = {});

// The port number a child wrote to `path` (atomically, as WriteFileAtomic does) once it listens.
// Fails when the child exits first (naming its exit status) or when nothing was written within
// `timeout`; either way the child is gone afterwards (a silent one is killed) and reaped.
absl::StatusOr<int> WaitForPortFile(const std::string& path, pid_t pid,
                                    absl::Duration timeout = absl::Seconds(30));

struct ChildExit {
  int status = -1;         // as waitpid reports it; -1 if the child could not be reaped
  double cpu_seconds = 0;  // user + system time of the child
  // The exit code, or -1 when the child was killed by a signal.
  int ExitCode() const;
};

// Sends `signal` (0: none, only wait for the child to end) and reaps the child.
ChildExit StopChild(pid_t pid, int signal = SIGTERM);

}  // namespace c8s
