#include "node-agent/agent/config.h"

#include <catch2/catch_test_macros.hpp>

namespace c8s::agent {
namespace {

std::string Minimal(const std::string& extra = "") {
  return R"({"apiVersion": "c8s.dev/node-agent-config/v1", "nodeName": "node-1",
             "trustDomain": "prod.example.com", "cds": {"address": "10.0.0.5:7443"},
             "bootstrap": {"apiVersion": "c8s.dev/bootstrap-allow-list/v1", "entries": []})" +
         extra + "}";
}

std::string Error(const std::string& text) {
  auto c = ParseAgentConfig(text);
  return c.ok() ? "" : std::string(c.status().message());
}

TEST_CASE("agent config: defaults and fields", "[unit]") {
  auto c = ParseAgentConfig(Minimal(R"(, "tee": "simulated", "simulatedStateFile": "/run/sim",
      "nodeAddress": "10.0.0.11", "meshPort": 15000,
      "bpf": {"enabled": true, "uplinks": ["eth0"], "ingressPorts": [443],
              "uplinkPatterns": ["ens*"], "podPatterns": ["cali*"], "defaultRouteUplinks": false,
              "bootstrap": {"apiServer": ["10.0.0.1:443"], "dns": ["10.0.0.10:53"]}},
      "runtime": {"kubeletRoot": "/k", "sandboxCommands": [["/pause"], ["/bin/pause", "-x"]]},
      "containerd": {"watchEvents": false}, "nri": {"socket": ""})"));
  REQUIRE(c.ok());
  CHECK(c->tee == TeeMode::kSimulated);
  CHECK(c->mesh_port == 15000);
  CHECK(c->bpf.enabled);
  CHECK(c->bpf.ingress_ports == std::vector<uint16_t>{443});
  CHECK(c->bpf.uplink_patterns == std::vector<std::string>{"ens*"});
  CHECK(c->bpf.pod_patterns == std::vector<std::string>{"cali*"});
  CHECK_FALSE(c->bpf.default_route_uplinks);
  CHECK(c->bpf.bootstrap.api_server == std::vector<std::string>{"10.0.0.1:443"});
  CHECK(c->bpf.bootstrap.dns == std::vector<std::string>{"10.0.0.10:53"});
  CHECK(c->volume_roots.kubelet_root == "/k");
  CHECK(c->sandbox_commands.size() == 2);
  CHECK_FALSE(c->containerd.watch_events);
  CHECK(c->nri.socket.empty());
  CHECK(c->state_dir == "/run/c8s/agent");
  auto d = ParseAgentConfig(Minimal());
  REQUIRE(d.ok());
  CHECK(d->tee == TeeMode::kAuto);
  CHECK(d->hook_socket == "/run/c8s/agent/hook.sock");
}

TEST_CASE("agent config: refusals name the field", "[unit]") {
  CHECK(Error(Minimal(R"(, "teee": "auto")")).rfind("agent config: teee: unknown field", 0) == 0);
  CHECK(Error(Minimal(R"(, "tee": "sgx")")) ==
        "agent config: tee: tee \"sgx\": want one of auto, snp, tdx, simulated");
  CHECK(Error(Minimal(R"(, "tee": "simulated")")) ==
        "agent config: simulatedStateFile: required with tee \"simulated\"");
  CHECK(Error(Minimal(R"(, "simulatedStateFile": "/x")")) ==
        "agent config: simulatedStateFile: only used with tee \"simulated\" (tee is \"auto\")");
  CHECK(Error(Minimal(R"(, "meshPort": 70000)")) ==
        "agent config: meshPort: must be an integer in [1, 65535]");
  CHECK(Error(Minimal(R"(, "cds": {"address": ""})")).find("duplicate") != std::string::npos);
  CHECK(Error(R"({"apiVersion": "c8s.dev/node-agent-config/v1", "nodeName": "n",
                  "trustDomain": "t", "cds": {"address": "a"}})")
            .rfind("agent config: bootstrap: missing required field", 0) == 0);
  CHECK(Error(R"({"apiVersion": "v0"})") ==
        "agent config: apiVersion: \"v0\" is not \"c8s.dev/node-agent-config/v1\"");
  CHECK(Error(Minimal(R"(, "bpf": {"bootstrap": {"ntp": []}})"))
            .rfind("agent config: bpf.bootstrap.ntp: unknown field", 0) == 0);
  CHECK(Error(Minimal(R"(, "bpf": {"uplinks": "eth0"})")) ==
        "agent config: bpf.uplinks: must be an array of strings");
  CHECK(Error(Minimal(R"(, "runtime": {"sandboxCommands": [[]]})")) ==
        "agent config: runtime.sandboxCommands: each entry is a non-empty array of strings");
}

std::string WithCds(const std::string& cds) {
  return R"({"apiVersion": "c8s.dev/node-agent-config/v1", "nodeName": "node-1",
             "trustDomain": "t", "cds": )" +
         cds +
         R"(, "bootstrap": {"apiVersion": "c8s.dev/bootstrap-allow-list/v1", "entries": []}})";
}

TEST_CASE("agent config: the CDS's reference values", "[unit]") {
  const std::string image = "sha256:" + std::string(64, '7');
  auto c = ParseAgentConfig(WithCds(R"({"address": "10.0.0.5:7443", "referenceValues":
      {"node": {"allowSimulated": true}, "images": [")" +
                                    image + R"("]}, "simulatedRoots": ["/etc/c8s/sim.pem"]})"));
  INFO(c.status());
  REQUIRE(c.ok());
  REQUIRE(c->cds.reference_values.has_value());
  CHECK(c->cds.reference_values->images == std::vector<std::string>{image});
  CHECK(c->cds.reference_values->node.has_value());
  CHECK(c->cds.simulated_roots == std::vector<std::string>{"/etc/c8s/sim.pem"});
  CHECK(c->cds.ca_file.empty());

  std::string both = Error(WithCds(R"({"address": "a", "caFile": "/ca.pem", "referenceValues":
      {"node": {"allowSimulated": true}, "images": [")" +
                                   image + R"("]}})"));
  CHECK(both.rfind("agent config: cds.caFile: exclusive with referenceValues", 0) == 0);
  std::string bad = Error(WithCds(R"({"address": "a", "referenceValues": {"images": ["x"]}})"));
  CHECK(bad.rfind("agent config: cds.referenceValues: ", 0) == 0);
  CHECK(Error(WithCds(R"({"address": "a", "imageDigests": []})")).find("unknown field") !=
        std::string::npos);
}

}  // namespace
}  // namespace c8s::agent
