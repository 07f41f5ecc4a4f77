#include "node-agent/hook/hook_protocol.h"

#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch_test_macros.hpp>
#include <thread>

#include "absl/time/clock.h"
#include "lib/base/fd.h"

namespace c8s::hook {
namespace {

struct Pair {
  UniqueFd a, b;
  Pair() {
    int fds[2];
    REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) == 0);
    a = UniqueFd(fds[0]);
    b = UniqueFd(fds[1]);
  }
};

TEST_CASE("hook protocol: request and reply round trip over a socket", "[unit]") {
  Pair p;
  HookRequest req{"c1", "/run/b", R"({"process": {}})", {}};
  req.facts.host_namespace["/proc/9/ns/net"] = false;
  req.facts.tee_devices["/dev/sev-guest"] = {"c", 10, 124};
  absl::Time deadline = absl::Now() + absl::Seconds(5);
  // Bigger than a socket buffer: the writer must wait for the reader.
  req.config_json += std::string(1 << 20, ' ');
  std::thread writer([&] { CHECK(WriteFrame(p.a.get(), ToJson(req).dump(), deadline).ok()); });
  auto text = ReadFrame(p.b.get(), kMaxRequestBytes, deadline);
  writer.join();
  REQUIRE(text.ok());
  auto got = ParseHookRequest(*text);
  REQUIRE(got.ok());
  CHECK(got->container_id == "c1");
  CHECK(got->config_json == req.config_json);
  CHECK(got->facts.tee_devices.at("/dev/sev-guest") == DeviceNumber{"c", 10, 124});
  CHECK(got->facts.host_namespace.at("/proc/9/ns/net") == false);

  HookReply reply{false, "because", "shop/api", 7};
  REQUIRE(WriteFrame(p.b.get(), ToJson(reply).dump(), deadline).ok());
  auto r = ParseHookReply(*ReadFrame(p.a.get(), kMaxReplyBytes, deadline));
  REQUIRE(r.ok());
  CHECK_FALSE(r->allow);
  CHECK(r->reason == "because");
  CHECK(r->generation == 7);
}

TEST_CASE("hook protocol: short, oversized, late and malformed frames", "[unit]") {
  absl::Time deadline = absl::Now() + absl::Seconds(5);
  {
    Pair p;
    REQUIRE(::write(p.a.get(), "\0\0\0\x10{}", 6) == 6);
    p.a.reset();
    auto r = ReadFrame(p.b.get(), 100, deadline);
    CHECK(r.status().message() == "frame body: connection closed after 2 of 16 bytes");
  }
  {
    Pair p;
    REQUIRE(::write(p.a.get(), "\x01\0\0\0", 4) == 4);
    auto r = ReadFrame(p.b.get(), 100, deadline);
    CHECK(r.status().message() == "frame of 16777216 bytes exceeds the limit of 100");
  }
  {
    Pair p;
    auto r = ReadFrame(p.b.get(), 100, absl::Now() + absl::Milliseconds(20));
    CHECK(r.status().message() == "frame header: read: timed out");
  }
  CHECK(ParseHookReply(R"({"allow": "yes"})").status().message() ==
        "agent reply: allow must be a boolean");
  CHECK(ParseHookRequest(R"({"containerId": "a", "bundle": "/b", "config": "{}"})")
            .status()
            .message() == "facts: missing");
  CHECK(ParseHookRequest(R"({"containerId": "a", "bundle": "/b", "config": "{}",
                              "facts": {"teeDevices": {"/dev/x": {"type": "q", "major": 1,
                              "minor": 2}}}})")
            .status()
            .message() == "teeDevices: host facts: device type must be c or b");
}

}  // namespace
}  // namespace c8s::hook
