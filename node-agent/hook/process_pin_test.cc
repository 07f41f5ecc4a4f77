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
  p.env = {"PATH=/bin", "MODE=prod"};
  CHECK(CheckPinnedProcess(p, kImage, id).empty());

  OciProcess args = p;
  args.args.push_back("--debug");
  CHECK(CheckPinnedProcess(args, kImage, id) ==
        std::vector<std::string>{"process: args [\"/api\", \"--port=8080\", \"--debug\"] differ "
                                 "from the pinned [\"/api\", \"--port=8080\"]"});
  OciProcess env = p;
  env.env.push_back("MODE=debug");  // a second definition must not slip through
  CHECK(CheckPinnedProcess(env, kImage, id) ==
        std::vector<std::string>{"process: env MODE=\"debug\" differs from the pinned \"prod\""});
  OciProcess unset = p;
  unset.env = {"MODEX=prod"};
  CHECK(CheckPinnedProcess(unset, kImage, id) ==
        std::vector<std::string>{"process: env MODE is pinned to \"prod\" but not set"});
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
