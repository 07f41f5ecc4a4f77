#include "node-agent/nri/api.h"

#include <catch2/catch_test_macros.hpp>

#include "lib/ttrpc/testing_for_test.h"
#include "lib/ttrpc/wire.h"

namespace c8s::nri {
namespace {

using ttrpc::testing::Hex;
using ttrpc::testing::Unhex;

TEST_CASE("NRI messages encode as the protocol note's vectors", "[unit]") {
  CHECK(Hex(EncodeRegisterPluginRequest({"imgpolicy", "10"})) ==
        "0a09696d67706f6c69637912023130");                                              // §9.1
  CHECK(Hex(EncodeConfigureResponse({EventMask(Event::kCreateContainer)})) == "1008");  // §9.4
  CHECK(Hex(EncodeSynchronizeResponse({true})) == "1001");                              // §9.5
  CHECK(EncodeSynchronizeResponse({false}).empty());
  auto configure =
      DecodeConfigureRequest(Unhex("120a636f6e7461696e6572641a0676322e302e3520882728d00f"));
  REQUIRE(configure.ok());
  CHECK(*configure == ConfigureRequest{"", "containerd", "v2.0.5", 5000, 2000});
}

TEST_CASE("event masks are 1 << (event - 1)", "[unit]") {
  CHECK(EventMask(Event::kRunPodSandbox) == 0x001);
  CHECK(EventMask(Event::kCreateContainer) == 0x008);
  CHECK(EventMask(Event::kStopContainer) == 0x200);
  CHECK(EventMask(Event::kRemoveContainer) == 0x400);
  CHECK((EventMask(Event::kRemoveContainer) & ~kValidEventsV080) == 0);
}

TEST_CASE("pods and containers round-trip and skip fields the plugin does not use", "[unit]") {
  PodContainerRequest req;
  req.pod = {"sb1", "api-7d9", "uid-1", "shop", {{"app", "api"}}, "runc", 42};
  req.container.id = "c1";
  req.container.pod_sandbox_id = "sb1";
  req.container.name = "api";
  req.container.annotations = {{std::string(kImageNameAnnotation), "ghcr.io/x/y:1"}};
  req.container.args = {"/api", "--port=8080"};
  req.container.env = {"A=1", "B="};
  req.container.pid = 7;
  std::string bytes = EncodePodContainerRequest(req);
  auto back = DecodePodContainerRequest(bytes);
  REQUIRE(back.ok());
  CHECK(*back == req);
  // Container labels (5), a pod annotation passed through (6), mounts (9), linux (11) and a
  // future field 22 inside the container; pod annotations (6) and ips (10): all skipped.
  ttrpc::WireWriter extra;
  extra.MapEntry(5, "io.kubernetes.container.name", "api");
  extra.MapEntry(6, "kubectl.kubernetes.io/last-applied-configuration", std::string(5000, '{'));
  std::string container =
      EncodeContainer(req.container) + extra.data() + Unhex("4a020a00 5a00 b20102 0a00");
  ttrpc::WireWriter pod_extra;
  pod_extra.MapEntry(6, "a", "b");
  std::string pod = EncodePodSandbox(req.pod) + pod_extra.data() + Unhex("5201 31");
  ttrpc::WireWriter w;
  w.Bytes(1, pod);
  w.Bytes(2, container);
  auto skipped = DecodePodContainerRequest(w.data());
  INFO(skipped.status().ToString());
  REQUIRE(skipped.ok());
  CHECK(*skipped == req);
  // Map entries: the last value for a key wins, as in protobuf.
  auto dup = DecodePodSandbox(Unhex("2a060a016b120131 2a060a016b120132"));
  REQUIRE(dup.ok());
  CHECK(dup->labels.at("k") == "2");
}

TEST_CASE("malformed NRI messages are errors, not crashes", "[unit]") {
  CHECK_FALSE(DecodePodContainerRequest(Unhex("0a05 2201")).ok());  // truncated pod
  CHECK_FALSE(DecodePodContainerRequest(Unhex("0801")).ok());       // pod as a varint
  CHECK_FALSE(DecodePodSandbox(Unhex("2a03 0a0561")).ok());         // bad map entry
  CHECK_FALSE(DecodeConfigureRequest(Unhex("2201")).ok());          // int field as bytes
  CHECK_FALSE(DecodeSynchronizeResponse(Unhex("0a00")).ok());       // updates are refused
  auto sc = DecodeStateChangeEvent(Unhex("080b 1200 1a040a026331"));
  REQUIRE(sc.ok());
  CHECK(sc->event == Event::kRemoveContainer);
  REQUIRE(sc->container.has_value());
  CHECK(sc->container->id == "c1");
}

}  // namespace
}  // namespace c8s::nri
