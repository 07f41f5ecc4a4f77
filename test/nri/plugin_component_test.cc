// The plugin against the runtime driver over real unix sockets: acceptance 1 of issue 7 (an
// allowed and a disallowed image), admission records, protocol errors and disconnects.
#include <catch2/catch_test_macros.hpp>

#include "lib/ttrpc/frame.h"
#include "lib/ttrpc/message.h"
#include "lib/ttrpc/testing_for_test.h"
#include "test/nri/plugin_fixture.h"

namespace c8s::nri::testing {
namespace {

using admission::TestDigest;

constexpr absl::Duration kWait = absl::Seconds(5);
const std::string kAllowed = "ghcr.io/acme/api@" + TestDigest(1);

void Handshake(RuntimeDriver& driver) {
  auto reg = driver.AwaitRegistration(kWait);
  REQUIRE(reg.ok());
  CHECK(reg->plugin_name == "c8s-image-policy");
  CHECK(reg->plugin_idx == "05");
  auto cfg = driver.Configure(DefaultConfigure());
  REQUIRE(cfg.ok());
  CHECK(cfg->events == 0x608);
  auto sync = driver.Synchronize({});
  REQUIRE(sync.ok());
  CHECK_FALSE(sync->more);
}

TEST_CASE("acceptance 1: the driver registers the plugin; allowed and disallowed images",
          "[component]") {
  PluginFixture plugin;
  RuntimeDriver driver(plugin.Accept());
  Handshake(driver);

  CHECK(driver.CreateContainer(ApiPod(), ApiContainer("c1", kAllowed)).ok());
  auto admission = plugin.store().Lookup("c1");
  REQUIRE(admission.has_value());
  CHECK(admission->identity == "shop/api");
  CHECK(admission->image == kAllowed);
  CHECK(admission->bundle_generation == 7);

  absl::Status other =
      driver.CreateContainer(ApiPod(), ApiContainer("c2", "ghcr.io/acme/api@" + TestDigest(2)));
  CHECK(other.code() == absl::StatusCode::kPermissionDenied);
  CHECK(std::string(other.message())
            .find("digest " + TestDigest(2) + " not allowed for identity shop/api") == 0);
  absl::Status tag = driver.CreateContainer(ApiPod(), ApiContainer("c3", "ghcr.io/x/y:1.2"));
  CHECK(tag.code() == absl::StatusCode::kPermissionDenied);
  CHECK(tag.message() == "image ghcr.io/x/y:1.2 is not pinned by digest");
  CHECK_FALSE(plugin.store().Lookup("c2").has_value());
  CHECK_FALSE(plugin.store().Lookup("c3").has_value());

  // containerd undoes a refused or stopped container with StopContainer + RemoveContainer.
  CHECK(driver.StopContainer(ApiPod(), ApiContainer("c1", kAllowed)).ok());
  CHECK_FALSE(plugin.store().Lookup("c1").has_value());
  CHECK(driver.CreateContainer(ApiPod(), ApiContainer("c4", kAllowed)).ok());
  CHECK(driver.RemoveContainer(ApiPod(), ApiContainer("c4", kAllowed)).ok());
  CHECK_FALSE(plugin.store().Lookup("c4").has_value());
  CHECK(plugin.runner().connected());
}

TEST_CASE("synchronize re-admits running containers the policy allows", "[component]") {
  PluginFixture plugin;
  RuntimeDriver driver(plugin.Accept());
  REQUIRE(driver.AwaitRegistration(kWait).ok());
  REQUIRE(driver.Configure(DefaultConfigure()).ok());
  SynchronizeRequest sync;
  sync.pods = {ApiPod()};
  sync.containers = {ApiContainer("running-ok", kAllowed),
                     ApiContainer("running-bad", "ghcr.io/x/y:1")};
  sync.more = true;
  auto part = driver.Synchronize(sync);
  REQUIRE(part.ok());
  CHECK(part->more);  // echoed
  auto last = driver.Synchronize({});
  REQUIRE(last.ok());
  CHECK_FALSE(last->more);
  CHECK(plugin.store().Lookup("running-ok").has_value());
  CHECK_FALSE(plugin.store().Lookup("running-bad").has_value());
}

TEST_CASE("unknown methods, malformed requests and oversized frames get errors, not a hang up",
          "[component]") {
  PluginFixture plugin;
  RuntimeDriver driver(plugin.Accept());
  Handshake(driver);
  // NRI v0.12 runtimes try dedicated RPCs first and fall back on UNIMPLEMENTED (note §4.5).
  auto unknown = driver.Call("PostCreateContainer", "");
  CHECK(unknown.status().code() == absl::StatusCode::kUnimplemented);
  CHECK(unknown.status().message() == "method PostCreateContainer");
  // A payload that is no CreateContainerRequest is refused: fail closed.
  auto garbage = driver.Call("CreateContainer", "\x0a\x7f");
  CHECK(garbage.status().code() == absl::StatusCode::kInvalidArgument);
  // An oversized ttrpc frame: RESOURCE_EXHAUSTED on its stream, and the connection stays.
  std::string big;
  ttrpc::AppendFrameHeader(big, {static_cast<uint32_t>(ttrpc::kMaxFrameData + 1), 1001, 1, 0});
  big += std::string(ttrpc::kMaxFrameData + 1, 'x');
  std::string wire;
  ttrpc::AppendMuxFrames(wire, ttrpc::kPluginServiceConn, big);
  REQUIRE(driver.session().WriteRaw(wire).ok());
  CHECK(driver.CreateContainer(ApiPod(), ApiContainer("after", kAllowed)).ok());
  CHECK(plugin.store().Lookup("after").has_value());
  // Frames for connections nobody opened are dropped silently.
  REQUIRE(driver.session().WriteRaw(ttrpc::testing::Unhex("00000009 00000002 abcd")).ok());
  CHECK(driver.CreateContainer(ApiPod(), ApiContainer("after2", kAllowed)).ok());
}

TEST_CASE("external mode reconnects with backoff after disconnects and protocol errors",
          "[component]") {
  PluginFixture plugin;
  {
    // containerd refuses the registration: the plugin drops the connection and retries.
    RuntimeDriver driver(plugin.Accept(), absl::InvalidArgumentError("invalid plugin index: 5"));
    REQUIRE(driver.AwaitRegistration(kWait).ok());
    CHECK(driver.session().WaitFor(kWait));
  }
  {
    // A mux frame longer than anything valid: the plugin ends the connection.
    RawPeer containerd(plugin.Accept());
    REQUIRE(containerd.ReadMuxFrame(kWait).ok());  // RegisterPlugin
    REQUIRE(containerd.Write(ttrpc::testing::Unhex("00000001 7fffffff")).ok());
    CHECK(containerd.ExpectClosed(kWait).ok());
  }
  {
    // containerd restarts (the socket just goes away mid-session).
    RuntimeDriver driver(plugin.Accept());
    Handshake(driver);
    driver.Close();
  }
  RuntimeDriver driver(plugin.Accept());
  Handshake(driver);
  CHECK(driver.CreateContainer(ApiPod(), ApiContainer("c1", kAllowed)).ok());
  CHECK(plugin.runner().connections() == 4);
}

TEST_CASE("a plugin that never gets a RegisterPlugin reply gives up at its deadline",
          "[component]") {
  PluginOptions options;
  options.registration_timeout = absl::Milliseconds(200);
  PluginFixture plugin(options);
  RawPeer silent(plugin.Accept());
  REQUIRE(silent.ReadMuxFrame(kWait).ok());
  CHECK(silent.ExpectClosed(kWait).ok());
  RuntimeDriver driver(plugin.Accept());  // and it comes back
  REQUIRE(driver.AwaitRegistration(kWait).ok());
}

}  // namespace
}  // namespace c8s::nri::testing
