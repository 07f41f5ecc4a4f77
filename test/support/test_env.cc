#include "test/support/test_env.h"

#include <unistd.h>

#include <catch2/catch_test_macros.hpp>
#include <cstdlib>
#include <filesystem>

#include "lib/base/fd.h"

namespace c8s::testing {
namespace {

std::string Join(const std::string& base, std::string_view relative) {
  if (relative.empty()) return base;
  return base + "/" + std::string(relative);
}

}  // namespace

std::string SourcePath(std::string_view relative) {
  const char* dir = std::getenv("C8S_SOURCE_DIR");
  return Join(dir ? dir : std::filesystem::current_path().string(), relative);
}

std::string BinaryPath(std::string_view relative) {
  const char* dir = std::getenv("C8S_BINARY_DIR");
  return Join(dir ? dir : SourcePath("build"), relative);
}

std::string SharedPath(std::string_view relative) {
  const char* dir = std::getenv("C8S_SHARED_DIR");
  return Join(dir ? dir : SourcePath("../shared"), relative);
}

std::string ReadTestFile(const std::string& path) {
  auto data = ReadFile(path);
  if (!data.ok()) FAIL("cannot read test file " << path << ": " << data.status());
  return *data;
}

TempDir::TempDir() {
  std::string tmpl = (std::filesystem::temp_directory_path() / "c8s-test-XXXXXX").string();
  if (::mkdtemp(tmpl.data()) == nullptr) FAIL("mkdtemp failed");
  path_ = tmpl;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

bool HavePrivileges() { return ::geteuid() == 0; }

bool PrivilegedRequired() {
  const char* v = std::getenv("C8S_REQUIRE_PRIVILEGED");
  return v != nullptr && std::string_view(v) == "1";
}

}  // namespace c8s::testing
