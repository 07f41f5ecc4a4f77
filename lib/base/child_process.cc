#include "lib/base/child_process.h"

#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <thread>

#include "absl/time/clock.h"
#include "lib/base/fd.h"
#include "lib/base/strings.h"

namespace c8s {
namespace {

// In the child between fork and exec: only async-signal-safe calls.
void Redirect(const std::string& path, int flags, int target) {
  if (path.empty()) return;
  int fd = ::open(path.c_str(), flags | O_CLOEXEC, 0644);
  if (fd < 0 || ::dup2(fd, target) < 0) ::_exit(126);
}

std::string DescribeStatus(int status) {
  if (WIFEXITED(status)) return StrCat("exit code ", WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return StrCat("signal ", WTERMSIG(status));
  return StrCat("wait status ", status);
}

}  // namespace

absl::StatusOr<pid_t> SpawnChild(std::vector<std::string> argv, const ChildOptions& options) {
  if (argv.empty()) return absl::InvalidArgumentError("spawn: empty command line");
  std::vector<char*> args;
  for (std::string& a : argv) args.push_back(a.data());
  args.push_back(nullptr);
  int out_flags = O_WRONLY | O_CREAT | (options.append ? O_APPEND : O_TRUNC);
  pid_t parent = ::getpid();
  pid_t pid = ::fork();
  if (pid < 0) return absl::InternalError(StrCat("fork: ", std::strerror(errno)));
  if (pid == 0) {
    if (options.die_with_parent) {
      ::prctl(PR_SET_PDEATHSIG, SIGKILL);
      if (::getppid() != parent) ::_exit(126);  // the parent died before prctl took effect
    }
    Redirect(options.stdin_path, O_RDONLY, STDIN_FILENO);
    Redirect(options.stdout_path, out_flags, STDOUT_FILENO);
    Redirect(options.stderr_path, out_flags, STDERR_FILENO);
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  return pid;
}

absl::StatusOr<int> WaitForPortFile(const std::string& path, pid_t pid, absl::Duration timeout) {
  absl::Time deadline = absl::Now() + timeout;
  while (true) {
    absl::StatusOr<std::string> text = ReadFile(path);
    if (text.ok() && !text->empty()) {
      int port = 0;
      auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), port);
      if (ec == std::errc() && port > 0 && port < 65536) return port;
      // c8s servers write the file atomically (WriteFileAtomic): what is not a port yet is
      // somebody else's file, or garbage; read it again until the deadline.
    }
    int status = 0;
    if (::waitpid(pid, &status, WNOHANG) == pid) {
      return absl::UnavailableError(StrCat("child ", pid, " ended (", DescribeStatus(status),
                                           ") before writing its port to ", path));
    }
    if (absl::Now() > deadline) {
      StopChild(pid, SIGKILL);
      return absl::DeadlineExceededError(StrCat("child ", pid, " wrote no port to ", path,
                                                " within ", absl::FormatDuration(timeout)));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

int ChildExit::ExitCode() const {
  return status >= 0 && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

ChildExit StopChild(pid_t pid, int signal) {
  ChildExit out;
  if (pid <= 0) return out;
  if (signal != 0) ::kill(pid, signal);
  struct rusage usage {};
  int status = 0;
  pid_t got;
  do {
    got = ::wait4(pid, &status, 0, &usage);
  } while (got < 0 && errno == EINTR);
  if (got != pid) return out;
  out.status = status;
  out.cpu_seconds = usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6 + usage.ru_stime.tv_sec +
                    usage.ru_stime.tv_usec / 1e6;
  return out;
}

}  // namespace c8s
