#include "lib/base/fd.h"

#include <fcntl.h>
#include <unistd.h>

#include <catch2/catch_test_macros.hpp>
#include <filesystem>

#include "test/support/test_env.h"

namespace c8s {
namespace {

TEST_CASE("atomic write replaces content and leaves no temp file", "[unit]") {
  testing::TempDir dir;
  std::string path = dir.Path("state");
  REQUIRE(WriteFileAtomic(path, "one").ok());
  REQUIRE(WriteFileAtomic(path, "two").ok());
  CHECK(*ReadFile(path) == "two");
  CHECK(std::distance(std::filesystem::directory_iterator(dir.path()),
                      std::filesystem::directory_iterator()) == 1);
  CHECK((std::filesystem::status(path).permissions() & std::filesystem::perms::others_read) ==
        std::filesystem::perms::none);
}

TEST_CASE("read errors name the path and the limit", "[unit]") {
  testing::TempDir dir;
  auto missing = ReadFile(dir.Path("nope"));
  CHECK(absl::IsNotFound(missing.status()));
  CHECK(missing.status().message().find(dir.Path("nope")) != std::string_view::npos);
  REQUIRE(WriteFile(dir.Path("big"), std::string(100, 'x')).ok());
  CHECK(absl::IsResourceExhausted(ReadFile(dir.Path("big"), 10).status()));
}

TEST_CASE("UniqueFd closes on destruction", "[unit]") {
  int raw;
  {
    UniqueFd fd(::open("/dev/null", O_RDONLY));
    raw = fd.get();
    REQUIRE(raw >= 0);
  }
  CHECK(::fcntl(raw, F_GETFD) == -1);
}

}  // namespace
}  // namespace c8s
