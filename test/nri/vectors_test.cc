// Replays the byte-level vectors of ../shared/notes/nri-protocol.md §9 against the real plugin
// in pre-launched mode: containerd's bytes in, the plugin's bytes compared exactly.
#include <catch2/catch_test_macros.hpp>
#include <map>

#include "lib/ttrpc/frame.h"
#include "lib/ttrpc/message.h"
#include "lib/ttrpc/testing_for_test.h"
#include "test/nri/plugin_fixture.h"

namespace c8s::nri::testing {
namespace {

using ttrpc::testing::Hex;
using ttrpc::testing::Unhex;

constexpr absl::Duration kWait = absl::Seconds(5);

// §9.1 with timeout_nano = 5e9 (the plugin's registration timeout).
const char* kRegisterPlugin =
    "000000020000004f000000450000000101000a1c6e72692e706b672e6170692e7631616c706861312e52756e7469"
    "6d65120e5265676973746572506c7567696e1a0f0a09696d67706f6c696379120231302080e497d012";
const char* kRegisterOk = "000000020000000a00000000000000010200";  // §9.2
const char* kConfigure =                                           // §9.3
    "00000001000000540000004a0000000101000a1b6e72692e706b672e6170692e7631616c706861312e506c7567696e"
    "1209436f6e6669677572651a1a120a636f6e7461696e6572641a0676322e302e3520882728d00f2080a8d6b907";
const char* kConfigureReply = "000000010000000e0000000400000001020012021008";  // §9.4
const char* kSyncMoreReply = "000000010000000e0000000400000003020012021001";   // §9.5
const char* kAllow = "000000010000000a00000000000000050200";                   // §9.6

// A PERMISSION_DENIED reply laid out as §9.7, for any message.
std::string DenyFrame(uint32_t stream, const std::string& message) {
  std::string frame, wire;
  ttrpc::AppendFrame(frame, stream, ttrpc::MessageType::kResponse, 0,
                     ttrpc::EncodeResponse({ttrpc::RpcStatus{7, message}, ""}));
  ttrpc::AppendMuxFrames(wire, ttrpc::kPluginServiceConn, frame);
  return wire;
}

RunnerOptions PreLaunched(int fd, std::map<std::string, std::string> env) {
  env["NRI_PLUGIN_SOCKET"] = std::to_string(fd);
  auto options = PreLaunchedFromEnvironment([&](const char* k) -> const char* {
    auto it = env.find(k);
    return it == env.end() ? nullptr : it->second.c_str();
  });
  REQUIRE(options.ok());
  return *options;
}

TEST_CASE("note §9 vectors: register, Configure before the reply, sync echo, allow, deny",
          "[component]") {
  auto fds = ttrpc::UnixSocketPair();
  REQUIRE(fds.ok());
  RunnerOptions options = PreLaunched(fds->first.release(),
                                      {{"NRI_PLUGIN_NAME", "imgpolicy"}, {"NRI_PLUGIN_IDX", "10"}});
  options.plugin.events = EventMask(Event::kCreateContainer);  // the vector's mask, 0x008
  PluginFixture plugin(options);
  RawPeer containerd(std::move(fds->second));

  auto reg = containerd.ReadMuxFrameBytes(kWait);
  REQUIRE(reg.ok());
  CHECK(Hex(*reg) == kRegisterPlugin);
  // containerd may call Configure before it has answered RegisterPlugin (note §3.2 step 6).
  REQUIRE(containerd.Write(Unhex(kConfigure)).ok());
  auto configured = containerd.ReadMuxFrameBytes(kWait);
  REQUIRE(configured.ok());
  CHECK(Hex(*configured) == kConfigureReply);
  REQUIRE(containerd.Write(Unhex(kRegisterOk)).ok());
  // Split synchronization: `more` is echoed (stream 3).
  REQUIRE(containerd
              .Write(PluginRequestFrame(3, "Synchronize", EncodeSynchronizeRequest({{}, {}, true})))
              .ok());
  auto synced = containerd.ReadMuxFrameBytes(kWait);
  REQUIRE(synced.ok());
  CHECK(Hex(*synced) == kSyncMoreReply);
  // An allowed image: an empty Response on stream 5.
  REQUIRE(containerd
              .Write(PluginRequestFrame(
                  5, "CreateContainer",
                  EncodePodContainerRequest(
                      {ApiPod(),
                       ApiContainer("c-ok", "ghcr.io/acme/api@" + admission::TestDigest(1))})))
              .ok());
  auto allowed = containerd.ReadMuxFrameBytes(kWait);
  REQUIRE(allowed.ok());
  CHECK(Hex(*allowed) == kAllow);
  // A tag reference: PERMISSION_DENIED with the reason, in §9.7's layout, on stream 7.
  REQUIRE(containerd
              .Write(PluginRequestFrame(
                  7, "CreateContainer",
                  EncodePodContainerRequest({ApiPod(), ApiContainer("c-bad", "ghcr.io/x/y:1.2")})))
              .ok());
  auto denied = containerd.ReadMuxFrameBytes(kWait);
  REQUIRE(denied.ok());
  CHECK(Hex(*denied) == Hex(DenyFrame(7, "image ghcr.io/x/y:1.2 is not pinned by digest")));

  CHECK(plugin.store().Lookup("c-ok").has_value());
  CHECK_FALSE(plugin.store().Lookup("c-bad").has_value());
  // The pre-launched plugin ends with its connection (containerd never reuses it).
  containerd.Release().reset();
  absl::Status end = plugin.Join();
  CHECK(end.ok());
}

TEST_CASE("the default subscription is CreateContainer, StopContainer and RemoveContainer",
          "[component]") {
  auto fds = ttrpc::UnixSocketPair();
  REQUIRE(fds.ok());
  PluginFixture plugin(PreLaunched(fds->first.release(), {}));
  RawPeer containerd(std::move(fds->second));
  REQUIRE(containerd.ReadMuxFrame(kWait).ok());
  REQUIRE(containerd.Write(Unhex(kRegisterOk)).ok());
  REQUIRE(containerd.Write(Unhex(kConfigure)).ok());
  auto configured = containerd.ReadMuxFrameBytes(kWait);
  REQUIRE(configured.ok());
  // events 0x608 = varint 88 0c.
  CHECK(Hex(*configured) == "000000010000000f00000005000000010200120310880c");
}

}  // namespace
}  // namespace c8s::nri::testing
