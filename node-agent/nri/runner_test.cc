#include "node-agent/nri/runner.h"

#include <catch2/catch_test_macros.hpp>
#include <map>

#include "lib/ttrpc/unix_socket.h"

namespace c8s::nri {
namespace {

TEST_CASE("pre-launched mode reads containerd's environment", "[unit]") {
  auto pair = ttrpc::UnixSocketPair();
  REQUIRE(pair.ok());
  std::string fd = std::to_string(pair->first.get());
  std::map<std::string, std::string> env = {
      {"NRI_PLUGIN_SOCKET", fd}, {"NRI_PLUGIN_NAME", "c8s"}, {"NRI_PLUGIN_IDX", "07"}};
  auto getenv = [&](const char* k) -> const char* {
    auto it = env.find(k);
    return it == env.end() ? nullptr : it->second.c_str();
  };
  auto got = PreLaunchedFromEnvironment(getenv);
  REQUIRE(got.ok());
  CHECK(got->mode == Mode::kPreLaunched);
  CHECK(got->socket_fd == pair->first.get());
  CHECK(got->plugin.name == "c8s");
  CHECK(got->plugin.index == "07");
  env["NRI_PLUGIN_IDX"] = "7";
  CHECK(absl::IsInvalidArgument(PreLaunchedFromEnvironment(getenv).status()));
  env["NRI_PLUGIN_IDX"] = "07";
  env["NRI_PLUGIN_SOCKET"] = "3x";
  CHECK(absl::IsInvalidArgument(PreLaunchedFromEnvironment(getenv).status()));
  env["NRI_PLUGIN_SOCKET"] = "0";  // stdin is no socket under ctest
  auto not_socket = PreLaunchedFromEnvironment(getenv);
  if (!not_socket.ok()) CHECK(absl::IsInvalidArgument(not_socket.status()));
  env.erase("NRI_PLUGIN_SOCKET");
  auto absent = PreLaunchedFromEnvironment(getenv);
  CHECK(absl::IsNotFound(absent.status()));
  CHECK(std::string(absent.status().message()).find("--socket") != std::string::npos);
}

}  // namespace
}  // namespace c8s::nri
