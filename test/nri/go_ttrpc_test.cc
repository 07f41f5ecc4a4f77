// Cross-check of lib/ttrpc against an independent implementation: containerd's Go ttrpc (Debian's
// golang-github-containerd-ttrpc-dev), built into build/tests/go_peer by CMake. The C++ client
// calls the Go server, and the Go client calls the C++ server, over plain unix sockets.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch_test_macros.hpp>
#include <cstdio>
#include <thread>

#include "lib/base/fd.h"
#include "lib/ttrpc/client.h"
#include "lib/ttrpc/server.h"
#include "lib/ttrpc/unix_socket.h"
#include "lib/ttrpc/wire.h"
#include "test/support/test_env.h"

namespace c8s::ttrpc {
namespace {

constexpr const char* kService = "c8s.test.Echo";

std::string GoPeer() { return c8s::testing::BinaryPath("tests/go_peer"); }

// google.protobuf.StringValue / BytesValue / Int64Value: field 1.
std::string StringValue(std::string_view v) {
  WireWriter w;
  w.StringIfSet(1, v);
  return w.Take();
}
std::string Int64Value(int64_t v) {
  WireWriter w;
  w.Int64(1, v);
  return w.Take();
}
// Field 1 of a wrapper message; "<malformed>" if it is not one (no Catch2 macros: the server
// handlers call it on the session's reader thread).
std::string ValueOf(std::string_view message) {
  WireReader r(message);
  std::string out;
  while (r.Next()) {
    if (r.field() == 1 && !r.ReadString(&out).ok()) return "<malformed>";
  }
  return r.status().ok() ? out : "<malformed>";
}

// A child process with its stdout on a pipe.
struct Child {
  explicit Child(const std::vector<std::string>& argv) {
    REQUIRE(::access(argv[0].c_str(), X_OK) == 0);  // built by CMake; missing = a failure
    int out[2];
    REQUIRE(::pipe(out) == 0);
    pid = ::fork();
    if (pid == 0) {
      ::dup2(out[1], 1);
      std::vector<char*> args;
      for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
      args.push_back(nullptr);
      ::execv(args[0], args.data());
      ::_exit(127);
    }
    ::close(out[1]);
    stdout_fd = UniqueFd(out[0]);
  }
  ~Child() {
    if (pid > 0) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, nullptr, 0);
    }
  }
  std::string ReadLine() {
    std::string line;
    char c;
    while (::read(stdout_fd.get(), &c, 1) == 1 && c != '\n') line.push_back(c);
    return line;
  }
  std::string ReadAll() {
    std::string all;
    char buf[4096];
    ssize_t n;
    while ((n = ::read(stdout_fd.get(), buf, sizeof buf)) > 0)
      all.append(buf, static_cast<size_t>(n));
    return all;
  }
  int Wait() {
    int status = 0;
    ::waitpid(pid, &status, 0);
    pid = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
  pid_t pid = -1;
  UniqueFd stdout_fd;
};

TEST_CASE("C++ ttrpc client against Go's ttrpc server", "[component]") {
  c8s::testing::TempDir dir;
  std::string sock = dir.Path("go.sock");
  Child server({GoPeer(), "server", sock});
  REQUIRE(server.ReadLine() == "ready");
  auto fd = ConnectUnix(sock);
  REQUIRE(fd.ok());
  Session session(std::move(*fd), Framing::kPlain);
  Client client(session.writer(0));
  session.Attach(0, &client);
  session.Start();

  auto echo = client.Call(kService, "Echo", StringValue("hi"), absl::Seconds(5));
  REQUIRE(echo.ok());
  CHECK(ValueOf(*echo) == "echo:hi:deadline=set");  // timeout_nano became a Go deadline
  auto no_deadline = client.Call(kService, "Echo", StringValue("x"), absl::InfiniteDuration());
  REQUIRE(no_deadline.ok());
  CHECK(ValueOf(*no_deadline) == "echo:x:deadline=none");
  // An empty request (all defaults) is a 0-byte payload on both sides.
  auto empty = client.Call(kService, "Echo", "", absl::Seconds(5));
  REQUIRE(empty.ok());
  CHECK(ValueOf(*empty) == "echo::deadline=set");

  auto deny = client.Call(kService, "Deny", StringValue("ghcr.io/x/y:1.2"), absl::Seconds(5));
  CHECK(deny.status().code() == absl::StatusCode::kPermissionDenied);
  CHECK(deny.status().message() == "image ghcr.io/x/y:1.2 is not pinned by digest");
  auto method = client.Call(kService, "Nope", "", absl::Seconds(5));
  CHECK(method.status().code() == absl::StatusCode::kUnimplemented);
  CHECK(method.status().message() == "method Nope");
  auto svc = client.Call("c8s.test.Other", "Echo", "", absl::Seconds(5));
  CHECK(svc.status().code() == absl::StatusCode::kUnimplemented);
  CHECK(svc.status().message() == "service c8s.test.Other");
  // A payload Go cannot unmarshal: its error comes back as a status, the connection stays.
  auto garbage = client.Call(kService, "Echo", "\x0a\x05", absl::Seconds(5));
  CHECK_FALSE(garbage.ok());
  auto big = client.Call(kService, "Big", Int64Value(300000), absl::Seconds(5));
  REQUIRE(big.ok());
  CHECK(ValueOf(*big) == std::string(300000, 'b'));

  // Concurrent calls from several threads: replies matched by stream id.
  std::vector<std::thread> threads;
  std::atomic<int> good{0};
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 25; ++i) {
        std::string v = std::to_string(t) + "-" + std::to_string(i);
        auto r = client.Call(kService, "Echo", StringValue(v), absl::Seconds(5));
        if (r.ok() && ValueOf(*r) == "echo:" + v + ":deadline=set") ++good;
      }
    });
  }
  for (auto& th : threads) th.join();
  CHECK(good == 200);
  session.Close();
  (void)session.Wait();  // the reader calls into `client` until then
}

TEST_CASE("Go's ttrpc client against the C++ ttrpc server", "[component]") {
  c8s::testing::TempDir dir;
  std::string sock = dir.Path("cc.sock");
  auto listener = ListenUnix(sock);
  REQUIRE(listener.ok());
  Child go({GoPeer(), "client", sock});
  auto fd = AcceptUnix(listener->get(), absl::Seconds(20));
  REQUIRE(fd.ok());
  Session session(std::move(*fd), Framing::kPlain);
  Server server(session.writer(0));
  server.Register(kService, "Echo", [](const Request& r) -> absl::StatusOr<std::string> {
    return StringValue("echo:" + ValueOf(r.payload) +
                       ":deadline=" + (r.timeout_nano > 0 ? "set" : "none"));
  });
  server.Register(kService, "Deny", [](const Request& r) -> absl::StatusOr<std::string> {
    return absl::PermissionDeniedError("image " + ValueOf(r.payload) + " is not pinned by digest");
  });
  server.Register(kService, "Big", [](const Request& r) -> absl::StatusOr<std::string> {
    WireReader rd(r.payload);
    int64_t n = 0;
    while (rd.Next()) {
      if (rd.field() == 1) (void)rd.ReadInt64(&n);
    }
    WireWriter w;
    w.Bytes(1, std::string(static_cast<size_t>(n), 'b'));
    return w.Take();
  });
  session.Attach(0, &server);
  session.Start();
  std::string out = go.ReadAll();
  INFO(out);
  CHECK(go.Wait() == 0);
  for (const char* check : {"ok echo", "ok deny", "ok unknown-method", "ok unknown-service",
                            "ok big", "ok concurrent"}) {
    CHECK(out.find(check) != std::string::npos);
  }
  CHECK(out.find("FAIL") == std::string::npos);
  session.Close();
  (void)session.Wait();  // the reader calls into `server` until then
}

}  // namespace
}  // namespace c8s::ttrpc
