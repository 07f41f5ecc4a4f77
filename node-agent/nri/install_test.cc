#include "node-agent/nri/install.h"

#include <sys/stat.h>

#include <catch2/catch_test_macros.hpp>

#include "lib/base/fd.h"
#include "test/support/test_env.h"

namespace c8s::nri {
namespace {

TEST_CASE("pre-launched plugin file names", "[unit]") {
  for (const char* ok : {"05-c8s-image-policy", "10-a", "99-x.y_z+1"}) {
    INFO(ok);
    CHECK(CheckPluginFileName(ok).ok());
  }
  for (const char* bad : {"c8s", "5-c8s", "05c8s", "05-", "ab-c8s", "05-c8s/x", "05-c 8s",
                          "05-c8s.conf", "05-c8s.tmp.12", "005-c8s"}) {
    INFO(bad);
    absl::Status st = CheckPluginFileName(bad);
    CHECK(absl::IsInvalidArgument(st));
    CHECK(std::string(st.message()).find("NRI plugin file name") == 0);
  }
  CHECK_FALSE(CheckPluginFileName("05-" + std::string(64, 'a')).ok());
}

TEST_CASE("install writes an executable wrapper and refuses to break containerd", "[unit]") {
  c8s::testing::TempDir dir;
  std::string plugins = dir.Path("plugins");
  InstallOptions o{plugins, "05-c8s", {"/usr/bin/c8s-node-agent", "nri", "--ca", "/etc/it's.pem"}};
  REQUIRE(InstallPlugin(o).ok());
  auto text = ReadFile(plugins + "/05-c8s");
  REQUIRE(text.ok());
  CHECK(text->find("exec '/usr/bin/c8s-node-agent' 'nri' '--ca' '/etc/it'\\''s.pem'\n") !=
        std::string::npos);
  struct stat st {};
  REQUIRE(::stat((plugins + "/05-c8s").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0755);
  // Re-installing over our own file works.
  CHECK(InstallPlugin(o).ok());
  // A bad name is refused before anything is written.
  InstallOptions bad = o;
  bad.file_name = "c8s";
  CHECK(absl::IsInvalidArgument(InstallPlugin(bad)));
  CHECK_FALSE(ReadFile(plugins + "/c8s").ok());
  InstallOptions relative = o;
  relative.command = {"c8s-node-agent", "nri"};
  CHECK(absl::IsInvalidArgument(InstallPlugin(relative)));
  // An executable with a bad name already there would break CRI: refuse and name it. A
  // non-executable file (a config, a README) is ignored, as containerd ignores it.
  REQUIRE(WriteFile(plugins + "/README", "x", 0644).ok());
  CHECK(CheckPluginDir(plugins).ok());
  REQUIRE(WriteFile(plugins + "/helper", "x", 0755).ok());
  absl::Status dir_st = InstallPlugin(o);
  CHECK(absl::IsFailedPrecondition(dir_st));
  CHECK(std::string(dir_st.message()).find("\"helper\"") != std::string::npos);
}

}  // namespace
}  // namespace c8s::nri
