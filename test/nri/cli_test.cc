// The real c8s-node-agent binary: `nri install` writes a pre-launched plugin that is then
// started the way containerd starts it (fd 3, only NRI_* variables, no arguments), and `nri
// --socket` in external mode; both enforce a bundle signed by a CA generated here.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch_test_macros.hpp>

#include "lib/base/fd.h"
#include "lib/crypto/x509_testing.h"
#include "node-agent/nri/install.h"
#include "test/nri/plugin_fixture.h"

namespace c8s::nri::testing {
namespace {

using admission::TestDigest;

std::string Agent() { return c8s::testing::BinaryPath("bin/c8s-node-agent"); }

struct SignedPolicy {
  explicit SignedPolicy(const c8s::testing::TempDir& dir) {
    crypto::CertificateAuthority ca = crypto::testing::MakeCa("c8s CA");
    ca_path = dir.Path("ca.pem");
    bundle_path = dir.Path("bundle.json");
    REQUIRE(WriteFile(ca_path, ca.certificate().ToPem()).ok());
    manifest::PolicyBundle b = ComponentBundle();
    b.generation = 3;
    auto wire = manifest::SignBundle(b, ca.key());
    REQUIRE(wire.ok());
    REQUIRE(WriteFile(bundle_path, *wire).ok());
  }
  std::string ca_path, bundle_path;
};

// fork + exec with `fd` as the child's fd 3 (like Go's ExtraFiles) and exactly `env`.
pid_t Spawn(const std::vector<std::string>& argv, const std::vector<std::string>& env, int fd3) {
  std::vector<char*> args, envp;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  for (const std::string& e : env) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);
  pid_t pid = ::fork();
  if (pid == 0) {
    int null = ::open("/dev/null", O_RDWR);
    ::dup2(null, 0);
    ::dup2(null, 1);
    ::dup2(null, 2);
    if (fd3 == 3) {
      ::fcntl(3, F_SETFD, 0);  // already fd 3: only clear close-on-exec
    } else if (fd3 >= 0) {
      ::dup2(fd3, 3);  // the copy does not inherit close-on-exec
    }
    ::execve(args[0], args.data(), envp.data());
    ::_exit(127);
  }
  return pid;
}

// The child's exit code, or -1 if it did not exit within `timeout`.
int WaitExit(pid_t pid, absl::Duration timeout) {
  absl::Time deadline = absl::Now() + timeout;
  while (absl::Now() < deadline) {
    int status = 0;
    if (::waitpid(pid, &status, WNOHANG) == pid) {
      return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    absl::SleepFor(absl::Milliseconds(10));
  }
  ::kill(pid, SIGKILL);
  ::waitpid(pid, nullptr, 0);
  return -1;
}

void ExpectVerdicts(RuntimeDriver& driver) {
  REQUIRE(driver.Configure(DefaultConfigure()).ok());
  REQUIRE(driver.Synchronize({}).ok());
  CHECK(driver.CreateContainer(ApiPod(), ApiContainer("c1", "ghcr.io/acme/api@" + TestDigest(1)))
            .ok());
  absl::Status denied =
      driver.CreateContainer(ApiPod(), ApiContainer("c2", "ghcr.io/acme/api@" + TestDigest(5)));
  CHECK(denied.code() == absl::StatusCode::kPermissionDenied);
  CHECK(std::string(denied.message()).find("not allowed for identity shop/api") !=
        std::string::npos);
  CHECK(std::string(denied.message()).find("policy generation 3") != std::string::npos);
}

TEST_CASE("nri install writes a pre-launched plugin that containerd's way of starting runs",
          "[component]") {
  c8s::testing::TempDir dir;
  SignedPolicy policy(dir);
  std::string plugins = dir.Path("plugins"), log = dir.Path("nri.log");
  auto bad = crypto::testing::RunCommand(Agent() + " nri install --plugin-dir " + plugins +
                                         " --name c8s --policy-bundle " + policy.bundle_path +
                                         " --ca " + policy.ca_path);
  CHECK(bad.exit_code == 2);
  CHECK(bad.output.find("NRI plugin file name \"c8s\"") != std::string::npos);
  auto ok = crypto::testing::RunCommand(Agent() + " nri install --plugin-dir " + plugins +
                                        " --name 10-c8s --policy-bundle " + policy.bundle_path +
                                        " --ca " + policy.ca_path + " --log-file " + log);
  INFO(ok.output);
  REQUIRE(ok.exit_code == 0);
  CHECK(CheckPluginDir(plugins).ok());

  auto fds = ttrpc::UnixSocketPair();
  REQUIRE(fds.ok());
  pid_t pid =
      Spawn({plugins + "/10-c8s"},
            {"NRI_PLUGIN_NAME=c8s", "NRI_PLUGIN_IDX=10", "NRI_PLUGIN_SOCKET=3"}, fds->first.get());
  REQUIRE(pid > 0);
  fds->first.reset();
  {
    RuntimeDriver driver(std::move(fds->second));
    auto reg = driver.AwaitRegistration(absl::Seconds(10));
    REQUIRE(reg.ok());
    CHECK(reg->plugin_name == "c8s");
    CHECK(reg->plugin_idx == "10");
    ExpectVerdicts(driver);
  }
  // containerd drops the connection: a pre-launched plugin exits (it is never reused).
  CHECK(WaitExit(pid, absl::Seconds(10)) == 0);
  auto text = ReadFile(log);
  REQUIRE(text.ok());
  CHECK(text->find("mode=pre-launched") != std::string::npos);
  CHECK(text->find("policy_generation=3") != std::string::npos);
  CHECK(text->find("msg=\"nri: refused container\"") != std::string::npos);
}

TEST_CASE("nri --socket connects in external mode and stops on SIGTERM", "[component]") {
  c8s::testing::TempDir dir;
  SignedPolicy policy(dir);
  auto listener = ttrpc::ListenUnix(dir.Path("nri.sock"));
  REQUIRE(listener.ok());
  pid_t pid = Spawn({Agent(), "nri", "--socket", dir.Path("nri.sock"), "--policy-bundle",
                     policy.bundle_path, "--ca", policy.ca_path, "--log-file", dir.Path("log")},
                    {}, -1);
  REQUIRE(pid > 0);
  auto fd = ttrpc::AcceptUnix(listener->get(), absl::Seconds(10));
  REQUIRE(fd.ok());
  RuntimeDriver driver(std::move(*fd));
  REQUIRE(driver.AwaitRegistration(absl::Seconds(10)).ok());
  ExpectVerdicts(driver);
  ::kill(pid, SIGTERM);
  CHECK(WaitExit(pid, absl::Seconds(10)) == 0);
  auto text = ReadFile(dir.Path("log"));
  REQUIRE(text.ok());
  CHECK(text->find("mode=external") != std::string::npos);
}

TEST_CASE("nri refuses to start on a bundle that does not verify, or without a connection mode",
          "[component]") {
  c8s::testing::TempDir dir;
  SignedPolicy policy(dir);
  auto text = ReadFile(policy.bundle_path);
  REQUIRE(text.ok());
  std::string tampered = *text;
  tampered.replace(tampered.find("shop/api"), 8, "shop/apx");
  REQUIRE(WriteFile(dir.Path("tampered.json"), tampered).ok());
  auto bad =
      crypto::testing::RunCommand(Agent() + " nri --socket " + dir.Path("s") + " --policy-bundle " +
                                  dir.Path("tampered.json") + " --ca " + policy.ca_path);
  CHECK(bad.exit_code == 1);
  CHECK(bad.output.find("bad CA signature") != std::string::npos);
  auto no_mode =
      crypto::testing::RunCommand("env -u NRI_PLUGIN_SOCKET " + Agent() + " nri --policy-bundle " +
                                  policy.bundle_path + " --ca " + policy.ca_path);
  CHECK(no_mode.exit_code == 2);
  CHECK(no_mode.output.find("NRI_PLUGIN_SOCKET is not set") != std::string::npos);
  auto index =
      crypto::testing::RunCommand(Agent() + " nri --socket x --plugin-index 5 --policy-bundle " +
                                  policy.bundle_path + " --ca " + policy.ca_path);
  CHECK(index.exit_code == 2);
  CHECK(index.output.find("--plugin-index \"5\" is not two digits") != std::string::npos);
  auto missing = crypto::testing::RunCommand(Agent() + " nri --socket x");
  CHECK(missing.exit_code == 2);
  CHECK(missing.output.find("--policy-bundle and --ca are required") != std::string::npos);
}

}  // namespace
}  // namespace c8s::nri::testing
