#include "node-agent/hook/process_pin.h"

#include <catch2/catch_test_macros.hpp>

namespace c8s::hook {
namespace {

constexpr char kImage[] =
    "ghcr.io/acme/api@sha256:1111111111111111111111111111111111111111111111111111111111111111";

TEST_CASE("pinned args and env", "[unit]") {
  manifest::BundleIdentity id;
  id.ref = "shop/api";
  manifest::Container c;
  c.image = kImage;
  c.args = std::vector<std::string>{"/api", "--port=8080"};
  c.env = std::map<std::string, std::string>{{"MODE", "prod"}};
  id.containers = {c};
  OciProcess p;
  p.args = {"/api", "--port=8080"};
  p.env = {"MODE=prod"};
  CHECK(CheckPinnedProcess(p, kImage, id).empty());

  OciProcess args = p;
  args.args.push_back("--debug");
  auto v = CheckPinnedProcess(args, kImage, id);
  REQUIRE(v.size() == 1);
  CHECK(v[0].rfind("process: args ", 0) == 0);
  CHECK(v[0].find("pinned by identity shop/api") != std::string::npos);
  OciProcess env = p;
  env.env.push_back("MODE=debug");  // a second definition must not slip through
  v = CheckPinnedProcess(env, kImage, id);
  REQUIRE(v.size() == 1);
  CHECK(v[0].find("environment variable MODE=\"debug\"") != std::string::npos);
  OciProcess unset = p;
  unset.env = {"MODEX=prod"};
  v = CheckPinnedProcess(unset, kImage, id);
  REQUIRE(v.size() == 1);
  CHECK(v[0].find("environment variable MODEX") != std::string::npos);
  // Variables the kubelet adds are not pins.
  OciProcess injected = p;
  injected.env.push_back("KUBERNETES_SERVICE_HOST=10.0.0.1");
  CHECK(CheckPinnedProcess(injected, kImage, id).empty());
  CHECK(CheckPinnedProcess(p, "other@sha256:00", id) ==
        std::vector<std::string>{"image other@sha256:00 is not listed by identity shop/api"});

  // Unpinned entry for the same image admits any process.
  manifest::Container free;
  free.image = kImage;
  id.containers.push_back(free);
  CHECK(CheckPinnedProcess(args, kImage, id).empty());
}

}  // namespace
}  // namespace c8s::hook
