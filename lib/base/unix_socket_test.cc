#include "lib/base/unix_socket.h"

#include <sys/socket.h>
#include <sys/stat.h>

#include <catch2/catch_test_macros.hpp>

#include "test/support/test_env.h"

namespace c8s {
namespace {

TEST_CASE("unix sockets: listen with a mode, replace a stale socket, refuse other files",
          "[unit]") {
  testing::TempDir dir;
  std::string path = dir.Path("s.sock");
  {
    auto l = ListenUnixSocket(path, 0600);
    REQUIRE(l.ok());
    struct stat st {};
    REQUIRE(::stat(path.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
    auto c = ConnectUnixSocket(path);
    CHECK(c.ok());
  }
  CHECK(ListenUnixSocket(path, 0666).ok());  // stale socket file replaced
  REQUIRE(WriteFile(dir.Path("f"), "x").ok());
  CHECK(ListenUnixSocket(dir.Path("f"), 0600).status().message() ==
        dir.Path("f") + " exists and is not a socket");
  CHECK(ConnectUnixSocket(dir.Path("none")).status().code() == absl::StatusCode::kNotFound);
  CHECK(!ListenUnixSocket(std::string(200, 'x'), 0600).ok());
}

}  // namespace
}  // namespace c8s
