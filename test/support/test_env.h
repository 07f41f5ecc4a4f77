// Helpers every c8s test shares: where the sources, the build and ../shared are, temporary
// directories that clean themselves up, and the privileged-test gate.
//
//   std::string v = SharedPath("vectors/amd-roots/milan_ark.pem");
//   TempDir dir;  auto path = dir.path() + "/state";
//   RequirePrivilegedOrSkip("needs CAP_BPF");   // SKIP, or FAIL under C8S_REQUIRE_PRIVILEGED=1
#pragma once

#include <string>
#include <string_view>

namespace c8s::testing {

// The repository root (C8S_SOURCE_DIR set by CTest, else the current directory).
std::string SourcePath(std::string_view relative = "");
// The build directory (C8S_BINARY_DIR, else ./build).
std::string BinaryPath(std::string_view relative = "");
// ../shared beside the repository (or C8S_SHARED_DIR).
std::string SharedPath(std::string_view relative = "");
// Reads a file or fails the current test with the path in the message.
std::string ReadTestFile(const std::string& path);

class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string Path(std::string_view name) const { return path_ + "/" + std::string(name); }

 private:
  std::string path_;
};

// True when this process may load BPF programs and create network namespaces.
bool HavePrivileges();
// True when C8S_REQUIRE_PRIVILEGED=1: a skip is then a failure.
bool PrivilegedRequired();

}  // namespace c8s::testing

// Skips the current test case with `reason` when privileges are missing, or fails it when the
// environment requires privileged tests to run (CI).
#define C8S_REQUIRE_PRIVILEGED_OR_SKIP(reason)                                  \
  do {                                                                          \
    if (!::c8s::testing::HavePrivileges()) {                                    \
      if (::c8s::testing::PrivilegedRequired()) {                               \
        FAIL("privileged test cannot run but C8S_REQUIRE_PRIVILEGED=1: " reason); \
      }                                                                         \
      SKIP("needs root with CAP_BPF/CAP_NET_ADMIN: " reason);                   \
    }                                                                           \
  } while (0)
