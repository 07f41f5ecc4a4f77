// The real kubectl (v1.32, installed on the build machine) against the c8s-kube-local binary:
// apply the CRDs and samples (twice: the second is a no-op), get -o wide with the printer
// columns, describe, wait for a condition set through the status subresource, get --watch,
// and delete --wait held up by a finalizer.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch_test_macros.hpp>
#include <cstdio>
#include <filesystem>
#include <future>
#include <thread>

#include "absl/time/clock.h"
#include "lib/base/fd.h"
#include "lib/kube/component/cluster_fixture.h"
#include "lib/kube/errors.h"

namespace c8s::kube::testing {
namespace {

struct Output {
  int code;
  std::string text;
};

class KubectlEnv {
 public:
  KubectlEnv() {
    std::string bin = c8s::testing::BinaryPath("bin/c8s-kube-local");
    kubeconfig_ = dir_.Path("kubeconfig");
    pid_ = fork();
    if (pid_ == 0) {
      execl(bin.c_str(), bin.c_str(), "--state-dir", dir_.path().c_str(), "--port", "0",
            "--bookmark-interval-ms", "500", static_cast<char*>(nullptr));
      _exit(127);
    }
    REQUIRE(pid_ > 0);
    absl::Time end = absl::Now() + absl::Seconds(15);
    while (!std::filesystem::exists(kubeconfig_) && absl::Now() < end) {
      absl::SleepFor(absl::Milliseconds(20));
    }
    REQUIRE(std::filesystem::exists(kubeconfig_));
  }
  ~KubectlEnv() {
    kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
  }

  // Runs kubectl with this server's kubeconfig and a fresh discovery cache.
  Output Kubectl(const std::string& args) {
    std::string cmd = "cd '" + c8s::testing::SourcePath() + "' && KUBECONFIG='" + kubeconfig_ +
                      "' kubectl --cache-dir '" + dir_.Path("cache" + std::to_string(++runs_)) +
                      "' " + args + " 2>&1";
    FILE* p = popen(cmd.c_str(), "r");
    REQUIRE(p != nullptr);
    std::string text;
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof(buf), p)) > 0) text.append(buf, n);
    int status = pclose(p);
    UNSCOPED_INFO("kubectl " << args << "\n" << text);
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, text};
  }

  std::string WriteFile(const std::string& name, const std::string& text) {
    std::string path = dir_.Path(name);
    REQUIRE(c8s::WriteFile(path, text).ok());
    return path;
  }

  std::unique_ptr<Client> NewClient() {
    auto cfg = LoadKubeconfig(kubeconfig_);
    REQUIRE(cfg.ok());
    auto c = Client::Create(*cfg);
    REQUIRE(c.ok());
    return std::move(*c);
  }

 private:
  c8s::testing::TempDir dir_;
  std::string kubeconfig_;
  pid_t pid_ = -1;
  std::atomic<int> runs_{0};
};

int Count(const std::string& text, const std::string& what) {
  int n = 0;
  for (size_t p = text.find(what); p != std::string::npos; p = text.find(what, p + 1)) ++n;
  return n;
}

TEST_CASE("real kubectl: apply, get -o wide, describe, wait, watch, delete --wait", "[component]") {
  // Acceptance 1 is about the real kubectl: without it this test fails, it never skips.
  REQUIRE(system("kubectl version --client >/dev/null 2>&1") == 0);
  KubectlEnv env;

  Output crds = env.Kubectl("apply -f crds/");
  REQUIRE(crds.code == 0);
  CHECK(Count(crds.text, " created") == 5);

  Output first = env.Kubectl("apply -f crds/samples/");
  REQUIRE(first.code == 0);
  CHECK(Count(first.text, " created") == 7);
  Output second = env.Kubectl("apply -f crds/samples/");
  REQUIRE(second.code == 0);
  CHECK(Count(second.text, " unchanged") == 7);
  CHECK(Count(second.text, "configured") == 0);

  Output wide = env.Kubectl("get confidentialclusters -o wide");
  REQUIRE(wide.code == 0);
  for (const char* col :
       {"NAME", "TRUST DOMAIN", "READY", "MANIFEST", "PHASE", "AGE", "prod.example.com"}) {
    CHECK(wide.text.find(col) != std::string::npos);
  }
  Output ap = env.Kubectl("get ap");
  REQUIRE(ap.code == 0);
  CHECK(ap.text.find("cvm-prod") != std::string::npos);

  Output desc = env.Kubectl("describe wid api -n shop");
  REQUIRE(desc.code == 0);
  CHECK(desc.text.find("Kind:         WorkloadIdentity") != std::string::npos);
  CHECK(desc.text.find("shop/web") != std::string::npos);

  // `get --watch` runs while the test sets the Ready condition through the status subresource.
  auto watch = std::async(std::launch::async, [&] {
    return env.Kubectl("get wid -n shop --watch --request-timeout=4s");
  });
  absl::SleepFor(absl::Seconds(1));
  std::unique_ptr<Client> client = env.NewClient();
  const Resource wids{"c8s.dev", "v1alpha1", "workloadidentities", true};
  json status = {{"status",
                  {{"phase", "Active"},
                   {"observedGeneration", 1},
                   {"manifestHash", "sha256:" + std::string(64, 'a')},
                   {"conditions",
                    {{{"type", "Ready"},
                      {"status", "True"},
                      {"observedGeneration", 1},
                      {"reason", "Approved"},
                      {"message", "manifest active"},
                      {"lastTransitionTime", "2026-11-22T00:00:00Z"}}}}}}};
  REQUIRE(client->MergePatch(wids, "shop", "api", status, /*status=*/true).ok());
  Output waited = env.Kubectl("wait --for=condition=Ready wid/api -n shop --timeout=10s");
  CHECK(waited.code == 0);
  CHECK(waited.text.find("condition met") != std::string::npos);
  Output watched = watch.get();
  CHECK(watched.text.find("Active") != std::string::npos);
  CHECK(Count(watched.text, "api ") >= 2);  // the initial row and the update

  Output wide_wid = env.Kubectl("get wid -n shop -o wide");
  CHECK(wide_wid.text.find("sha256:aaaa") != std::string::npos);

  // delete --wait must wait for the finalizer the test removes a second later.
  REQUIRE(
      client->MergePatch(wids, "shop", "api", {{"metadata", {{"finalizers", {"c8s.dev/test"}}}}})
          .ok());
  absl::Time start = absl::Now();
  auto del = std::async(std::launch::async, [&] {
    return env.Kubectl("delete wid api -n shop --wait=true --timeout=15s");
  });
  absl::SleepFor(absl::Seconds(1));
  REQUIRE(client->MergePatch(wids, "shop", "api", {{"metadata", {{"finalizers", nullptr}}}}).ok());
  Output deleted = del.get();
  CHECK(deleted.code == 0);
  CHECK(deleted.text.find("deleted") != std::string::npos);
  CHECK(absl::Now() - start >= absl::Seconds(1));
  CHECK(kube::IsNotFound(client->Get(wids, "shop", "api").status()));

  std::string bad = env.WriteFile("bad.yaml",
                                  "apiVersion: c8s.dev/v1alpha1\nkind: SecretRelease\n"
                                  "metadata: {name: bad, namespace: shop}\n"
                                  "spec: {version: 0, source: {}, releaseTo: [nope], policy: p}\n");
  Output invalid = env.Kubectl("apply -f " + bad);
  CHECK(invalid.code != 0);
  CHECK(invalid.text.find("spec.version") != std::string::npos);
}

}  // namespace
}  // namespace c8s::kube::testing
