// Runs `c8sctl selfcheck` as `make demo` does, then with deliberately broken keys: the checks
// that use a broken key must FAIL with the reason, and the command must exit 1.
#include <sys/wait.h>

#include <catch2/catch_test_macros.hpp>
#include <cstdio>
#include <string>

#include "lib/base/fd.h"
#include "lib/crypto/keys.h"
#include "test/support/test_env.h"

namespace c8s {
namespace {

struct RunResult {
  int exit_code;
  std::string output;
};

RunResult RunSelfCheck(const std::string& extra) {
  std::string cmd = testing::BinaryPath("bin/c8sctl") + " selfcheck --manifest-doc " +
                    testing::SharedPath("MANIFEST.md") + " --golden " +
                    testing::SourcePath("test/fixtures/manifest") + " " + extra + " 2>&1";
  FILE* pipe = ::popen(cmd.c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::string output;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof(buf), pipe)) > 0) output.append(buf, n);
  int status = ::pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, output};
}

bool HasLine(const std::string& output, const std::string& prefix) {
  return output.find("\n" + prefix) != std::string::npos || output.rfind(prefix, 0) == 0;
}

TEST_CASE("make demo's self-checks pass with fresh keys", "[component]") {
  RunResult r = RunSelfCheck("");
  INFO(r.output);
  CHECK(r.exit_code == 0);
  for (const char* name : {"cert.issue", "cert.verify", "cert.reject-foreign-ca", "hpke.seal-open",
                           "hpke.reject-tampered", "manifest.canonicalize",
                           "manifest.sign-verify", "manifest.reject-tampered"}) {
    CHECK(HasLine(r.output, std::string("PASS ") + name + ":"));
  }
  CHECK(r.output.find("FAIL") == std::string::npos);
}

TEST_CASE("self-checks pass with a consistent key directory", "[component]") {
  testing::TempDir dir;
  REQUIRE(RunSelfCheck("--write-keys " + dir.path()).exit_code == 0);
  RunResult r = RunSelfCheck("--keys " + dir.path());
  INFO(r.output);
  CHECK(r.exit_code == 0);
}

TEST_CASE("a broken owner key fails the manifest signature check", "[component]") {
  testing::TempDir dir;
  REQUIRE(RunSelfCheck("--write-keys " + dir.path()).exit_code == 0);
  // A valid key that is not the owner's listed public key.
  auto other = crypto::PrivateKey::Generate(crypto::KeyType::kP256);
  REQUIRE(other.ok());
  REQUIRE(WriteFile(dir.Path("owner.key"), other->ToPem()).ok());
  RunResult r = RunSelfCheck("--keys " + dir.path());
  INFO(r.output);
  CHECK(r.exit_code == 1);
  CHECK(HasLine(r.output, "FAIL manifest.sign-verify: owner.pub does not verify"));
  CHECK(HasLine(r.output, "PASS cert.verify:"));
}

TEST_CASE("corrupt CA and recipient keys fail their checks with the reason", "[component]") {
  testing::TempDir dir;
  REQUIRE(RunSelfCheck("--write-keys " + dir.path()).exit_code == 0);
  std::string ca_key = testing::ReadTestFile(dir.Path("ca.key"));
  ca_key[ca_key.size() / 2] ^= 0x20;  // flip a base64 character inside the PEM body
  REQUIRE(WriteFile(dir.Path("ca.key"), ca_key).ok());
  auto other = crypto::PrivateKey::Generate(crypto::KeyType::kX25519);
  REQUIRE(other.ok());
  REQUIRE(WriteFile(dir.Path("recipient.key"), other->ToPem()).ok());
  RunResult r = RunSelfCheck("--keys " + dir.path());
  INFO(r.output);
  CHECK(r.exit_code == 1);
  CHECK(HasLine(r.output, "FAIL cert.issue: CA key"));
  CHECK(HasLine(r.output, "FAIL hpke.seal-open: open"));
}

}  // namespace
}  // namespace c8s
