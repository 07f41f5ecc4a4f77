// Test-only: real runc bundles on a static-busybox root filesystem, run with the real
// c8s-oci-hook as createRuntime hook. The container's first act is to write /tmp/ran into its
// root filesystem, so "never reached a running process" is observable from the host.
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch_test_macros.hpp>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "lib/base/fd.h"
#include "lib/crypto/hash.h"
#include "test/support/test_env.h"

namespace c8s::agent::testing {

inline constexpr char kBusybox[] = "/bin/busybox";  // Debian busybox-static
inline const std::vector<std::string> kMarkerCommand = {"/bin/sh", "-c", "echo ran > /tmp/ran"};

// Runs argv with stdin from /dev/null; returns the exit status (-1 when it did not exit
// normally) with stdout+stderr in *out. Stops reading once the process has exited, so that a
// grandchild holding the pipe (a lingering `runc init`) cannot hang the test.
inline int RunCommand(const std::vector<std::string>& argv, std::string* out) {
  int pipe_fds[2];
  REQUIRE(::pipe2(pipe_fds, O_CLOEXEC) == 0);
  pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    int null_fd = ::open("/dev/null", O_RDONLY);
    ::dup2(null_fd, 0);
    ::dup2(pipe_fds[1], 1);
    ::dup2(pipe_fds[1], 2);
    std::vector<char*> args;
    for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    ::execvp(args[0], args.data());
    _exit(127);
  }
  ::close(pipe_fds[1]);
  out->clear();
  int status = 0;
  bool exited = false;
  char buf[4096];
  while (true) {
    struct pollfd p {
      pipe_fds[0], POLLIN, 0
    };
    int ready = ::poll(&p, 1, 100);
    if (ready > 0) {
      ssize_t n = ::read(pipe_fds[0], buf, sizeof(buf));
      if (n > 0) {
        out->append(buf, n);
        continue;
      }
      if (n == 0) break;  // every writer closed
    }
    if (exited) break;  // drained what was there after the exit
    exited = ::waitpid(pid, &status, WNOHANG) == pid;
  }
  ::close(pipe_fds[0]);
  if (!exited) ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

class RuncBundle {
 public:
  // `edit` changes the runc default spec after the marker command and the hook are set.
  RuncBundle(const std::string& hook_socket, std::function<void(nlohmann::json&)> edit = nullptr) {
    REQUIRE(::access(kBusybox, X_OK) == 0);  // scripts/install-deps.sh installs busybox-static
    id_ = HexEncode(crypto::RandomBytes(32));
    std::string rootfs = dir_.Path("rootfs");
    for (const char* d : {"", "/bin", "/proc", "/dev", "/sys", "/tmp", "/etc"}) {
      REQUIRE(::mkdir((rootfs + d).c_str(), 0755) == 0);
    }
    REQUIRE(::chmod((rootfs + "/tmp").c_str(), 01777) == 0);
    std::string copy;
    REQUIRE(RunCommand({"cp", kBusybox, rootfs + "/bin/busybox"}, &copy) == 0);
    REQUIRE(::symlink("busybox", (rootfs + "/bin/sh").c_str()) == 0);
    std::string spec_out;
    REQUIRE(RunCommand({"runc", "spec", "--bundle", dir_.path()}, &spec_out) == 0);
    auto spec = nlohmann::json::parse(*ReadFile(dir_.Path("config.json")));
    spec["process"]["terminal"] = false;
    spec["process"]["args"] = kMarkerCommand;
    spec["process"]["user"] = {{"uid", 1000}, {"gid", 1000}};
    spec["root"]["readonly"] = false;
    spec["hooks"]["createRuntime"] = {
        {{"path", c8s::testing::BinaryPath("bin/c8s-oci-hook")},
         {"args", {"c8s-oci-hook", "--socket", hook_socket, "--timeout", "10"}}}};
    if (edit) edit(spec);
    REQUIRE(WriteFile(dir_.Path("config.json"), spec.dump(1)).ok());
  }
  ~RuncBundle() {
    std::string out;
    RunCommand({"runc", "--root", dir_.Path("runc-state"), "delete", "--force", id_}, &out);
  }
  const std::string& id() const { return id_; }
  // `runc run` in the foreground; the exit status of runc (the container's when it ran).
  int Run(std::string* output) {
    return RunCommand({"timeout", "-s", "KILL", "60", "runc", "--root", dir_.Path("runc-state"),
                       "run", "--bundle", dir_.path(), id_},
                      output);
  }
  bool ProcessRan() const { return ::access(dir_.Path("rootfs/tmp/ran").c_str(), F_OK) == 0; }

 private:
  c8s::testing::TempDir dir_;
  std::string id_;
};

}  // namespace c8s::agent::testing
