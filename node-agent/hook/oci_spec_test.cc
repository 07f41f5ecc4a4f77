#include "node-agent/hook/oci_spec.h"

#include <catch2/catch_test_macros.hpp>

#include "node-agent/hook/oci_json.h"
#include "node-agent/hook/oci_state.h"
#include "node-agent/hook/spec_fixtures_for_test.h"

namespace c8s::hook {
namespace {

std::string Error(std::string_view text) {
  auto doc = ParseOciJson(text, "config.json");
  if (!doc.ok()) return std::string(doc.status().message());
  auto spec = ParseOciSpec(*doc);
  return spec.ok() ? "" : std::string(spec.status().message());
}

TEST_CASE("OCI spec: the fields the gate reads", "[unit]") {
  auto spec = ParseOciSpec(testing::CompliantSpec());
  REQUIRE(spec.ok());
  CHECK(spec->process.uid == 1000);
  CHECK(spec->process.args == std::vector<std::string>{"/api", "--port=8080"});
  CHECK(spec->process.capabilities.bounding.size() == 13);
  CHECK(spec->mounts.size() == 8);
  CHECK(spec->mounts[6].IsBind());
  CHECK_FALSE(spec->mounts[0].IsBind());
  CHECK(spec->namespaces[3].type == "mount");
  CHECK(spec->device_rules.size() == 1);
  CHECK_FALSE(spec->device_rules[0].major.has_value());
  CHECK(spec->annotations.at(kAnnotationSandboxId) == testing::kSandboxId);
}

TEST_CASE("OCI spec: refusals name the field", "[unit]") {
  CHECK(Error(R"({"process": {}, "linux": {}, "a": 1, "a": 2})") ==
        "config.json: duplicate key \"a\"");
  CHECK(Error("[1]") == "config.json: not a JSON object");
  CHECK(Error("{") == "config.json: not valid JSON");
  CHECK(Error(R"({"linux": {}})") ==
        "config.json: process: missing (the gate needs the process to check)");
  CHECK(Error(R"({"process": {}})") ==
        "config.json: linux: missing (only Linux containers are admitted)");
  CHECK(Error(R"({"process": {"user": {"uid": -1}}, "linux": {}})") ==
        "config.json: process.user.uid: -1 is out of range [0, 4294967295]");
  CHECK(Error(R"({"process": {"capabilities": {"bounding": [1]}}, "linux": {}})") ==
        "config.json: process.capabilities.bounding[0]: must be a string");
  CHECK(Error(R"({"process": {}, "mounts": [{"type": "bind"}], "linux": {}})") ==
        "config.json: mounts[0].destination: missing");
  CHECK(Error(R"({"process": {}, "linux": {"resources": {"devices": [{"access": "rwx"}]}}})") ==
        "config.json: linux.resources.devices[0].access: \"rwx\" is not a subset of rwm");
  CHECK(Error(R"({"process": {}, "linux": {"namespaces": {}}})") ==
        "config.json: linux.namespaces: must be an array");
  // Large integers elsewhere (rlimits) are fine.
  CHECK(Error(R"({"process": {"rlimits": [{"hard": 18446744073709551615}]}, "linux": {}})") == "");
  std::string deep(200, '[');
  CHECK(Error(R"({"x": )" + deep) == "config.json: nested deeper than 64 levels");
}

TEST_CASE("OCI state", "[unit]") {
  auto st = ParseOciState(R"({"ociVersion": "1.0.2", "id": "abc", "status": "creating",
                              "pid": 42, "bundle": "/run/b"})");
  REQUIRE(st.ok());
  CHECK(st->id == "abc");
  CHECK(st->pid == 42);
  CHECK(
      ParseOciState(R"({"id": "../x", "status": "creating", "bundle": "/b"})").status().message() ==
      "OCI state: container id: characters outside [A-Za-z0-9_+.-]");
  CHECK(ParseOciState(R"({"id": "a", "status": "creating", "bundle": "b"})").status().message() ==
        "OCI state: bundle: must be an absolute path");
  CHECK(ParseOciState(R"({"id": "a", "bundle": "/b"})").status().message() ==
        "OCI state: status: missing");
}

}  // namespace
}  // namespace c8s::hook
