#include "lib/base/child_process.h"

#include <sys/wait.h>

#include <catch2/catch_test_macros.hpp>
#include <cerrno>

#include "lib/base/fd.h"
#include "test/support/test_env.h"

namespace c8s {
namespace {

bool Contains(const absl::Status& s, std::string_view what) {
  return std::string(s.message()).find(what) != std::string::npos;
}

TEST_CASE("a child's port file is read once written; SIGTERM ends it", "[unit]") {
  testing::TempDir dir;
  std::string port_file = dir.Path("port");
  auto pid = SpawnChild({"/bin/sh", "-c",
                         "echo 4242 > " + port_file + ".new && mv " + port_file + ".new " +
                             port_file + " && exec sleep 30"});
  REQUIRE(pid.ok());
  auto port = WaitForPortFile(port_file, *pid, absl::Seconds(10));
  REQUIRE(port.ok());
  CHECK(*port == 4242);
  ChildExit exit = StopChild(*pid);
  CHECK(WIFSIGNALED(exit.status));
  CHECK(WTERMSIG(exit.status) == SIGTERM);
  CHECK(exit.ExitCode() == -1);
}

TEST_CASE("waiting for a port fails with the child's exit status or after the timeout", "[unit]") {
  testing::TempDir dir;
  auto early = SpawnChild({"/bin/sh", "-c", "exit 3"});
  REQUIRE(early.ok());
  auto ended = WaitForPortFile(dir.Path("port"), *early, absl::Seconds(10));
  CHECK(absl::IsUnavailable(ended.status()));
  CHECK(Contains(ended.status(), "ended (exit code 3)"));

  auto silent = SpawnChild({"/bin/sh", "-c", "exec sleep 30"});
  REQUIRE(silent.ok());
  auto late = WaitForPortFile(dir.Path("port"), *silent, absl::Milliseconds(100));
  CHECK(absl::IsDeadlineExceeded(late.status()));
  CHECK(Contains(late.status(), "wrote no port to " + dir.Path("port")));
  CHECK(::waitpid(*silent, nullptr, WNOHANG) == -1);  // killed and reaped already
  CHECK(errno == ECHILD);

  REQUIRE(WriteFile(dir.Path("junk"), "not a port").ok());
  auto junk_writer = SpawnChild({"/bin/sh", "-c", "exec sleep 30"});
  REQUIRE(junk_writer.ok());
  CHECK(absl::IsDeadlineExceeded(
      WaitForPortFile(dir.Path("junk"), *junk_writer, absl::Milliseconds(100)).status()));
}

TEST_CASE("standard streams go to the files given; the exit code and CPU time come back",
          "[unit]") {
  testing::TempDir dir;
  REQUIRE(WriteFile(dir.Path("in"), "from stdin\n").ok());
  ChildOptions io{dir.Path("in"), dir.Path("out"), dir.Path("err")};
  auto pid =
      SpawnChild({"/bin/sh", "-c",
                  "cat; echo oops >&2; i=0; while [ $i -lt 100000 ]; do i=$((i+1)); done; exit 7"},
                 io);
  REQUIRE(pid.ok());
  ChildExit exit = StopChild(*pid, 0);
  CHECK(exit.ExitCode() == 7);
  CHECK(exit.cpu_seconds > 0);
  CHECK(*ReadFile(dir.Path("out")) == "from stdin\n");
  CHECK(*ReadFile(dir.Path("err")) == "oops\n");

  io.append = true;
  auto again = SpawnChild({"/bin/sh", "-c", "echo more >&2"}, io);
  REQUIRE(again.ok());
  CHECK(StopChild(*again, 0).ExitCode() == 0);
  CHECK(*ReadFile(dir.Path("err")) == "oops\nmore\n");
}

TEST_CASE("a binary that cannot run exits 127; an empty command line is refused", "[unit]") {
  auto pid = SpawnChild({"/nonexistent/c8s-nothing"});
  REQUIRE(pid.ok());
  CHECK(StopChild(*pid, 0).ExitCode() == 127);
  CHECK(absl::IsInvalidArgument(SpawnChild({}).status()));
  CHECK(StopChild(-1).status == -1);
}

}  // namespace
}  // namespace c8s
