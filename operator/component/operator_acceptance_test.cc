// Issue #5 acceptance 2, all real: the c8s-operator binary against c8s-kube-local and the
// c8s-cds binary. The operator creates the owned workloads, proposes a manifest that
// lib/manifest accepts, reports PendingApproval with its hash; the test, as the owner, claims
// it with a signed approval statement, and the operator reports Active with the generation.
// A spec change then goes through Propose -> PendingApproval -> Approve -> Active again, while
// the untouched objects stay Active. Real kubectl sees the printer columns and waits for Ready.
#include <httplib.h>
#include <sys/wait.h>

#include <catch2/catch_test_macros.hpp>
#include <cstdio>

#include "absl/time/clock.h"
#include "lib/base/fd.h"
#include "lib/kube/json_util.h"
#include "lib/manifest/parse.h"
#include "lib/manifest/serialize.h"
#include "operator/cluster_controller.h"
#include "operator/component/operator_env.h"
#include "operator/resources.h"
#include "operator/workloads.h"

namespace c8s::op::testing {
namespace {

using nlohmann::json;

std::string Kubectl(const OperatorEnv& env, const std::string& args, int* code) {
  std::string cmd = "KUBECONFIG='" + env.cluster->kubeconfig_path() + "' kubectl --cache-dir '" +
                    env.dir.Path("kubectl-cache") + "' " + args + " 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  REQUIRE(p != nullptr);
  std::string text;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), p)) > 0) text.append(buf, n);
  int status = pclose(p);
  *code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  UNSCOPED_INFO("kubectl " << args << "\n" << text);
  return text;
}

std::string Http(int port, const std::string& path) {
  httplib::Client c("127.0.0.1", port);
  httplib::Result r = c.Get(path);
  if (!r) return "error";
  return r->body + " " + std::to_string(r->status);
}

struct Object {
  const kube::Resource* r;
  const char* ns;
  const char* name;
};
const std::vector<Object> kObjects = {{&kClusters, "", "prod"},
                                      {&kPolicies, "", "cvm-prod"},
                                      {&kIdentities, "shop", "api"},
                                      {&kIdentities, "shop", "web"},
                                      {&kSecretReleases, "shop", "db-password"},
                                      {&kIngresses, "shop", "public"}};

TEST_CASE("acceptance 2: c8s-operator -> workloads, PendingApproval, approval -> Active",
          "[component]") {
  OperatorEnv env;
  env.ApplySamples();
  pid_t op = env.StartOperatorProcess();

  // Owned workloads, each controlled by the ConfidentialCluster.
  json cluster = *env.Get(kClusters, "", "prod");
  std::vector<Owned> desired = DesiredWorkloads(cluster);
  REQUIRE(env.Eventually([&] {
    for (const Owned& o : desired) {
      if (!env.Get(o.resource, "c8s-system", o.object["metadata"]["name"])) return false;
    }
    return true;
  }));
  for (const Owned& o : desired) {
    json live = *env.Get(o.resource, "c8s-system", o.object["metadata"]["name"]);
    CHECK(Satisfies(live, o.object));
    CHECK(live["metadata"]["ownerReferences"][0]["uid"] == cluster["metadata"]["uid"]);
  }
  CHECK(env.Eventually([&] {
    auto c = env.Get(kClusters, "", "prod");
    return c && HasFinalizer(*c, kTeardownFinalizer);
  }));

  // One proposal; every object PendingApproval with its hash.
  REQUIRE(env.Eventually([&] {
    for (const Object& o : kObjects) {
      if (env.Phase(*o.r, o.ns, o.name) != "PendingApproval") return false;
    }
    return true;
  }));
  std::string hash = env.ManifestHash(kIdentities, "shop", "api");
  REQUIRE(hash.rfind("sha256:", 0) == 0);
  for (const Object& o : kObjects) CHECK(env.ManifestHash(*o.r, o.ns, o.name) == hash);
  absl::StatusOr<std::string> pending = env.cds->Pending(hash);
  REQUIRE(pending.ok());
  absl::StatusOr<manifest::Manifest> parsed = manifest::ParseManifest(*pending);
  INFO(parsed.status().ToString());
  REQUIRE(parsed.ok());  // valid per lib/manifest, and exactly what the hash names
  CHECK(*manifest::ManifestHash(*parsed) == hash);
  CHECK(parsed->identities.size() == 2);
  CHECK(parsed->roles.cds == "cvm-prod");
  CHECK(env.cds->ProposeEvents().size() == 1);

  // The owner claims the CDS with exactly this manifest.
  absl::StatusOr<int64_t> gen = env.cds->Approve(hash, env.owner, "alice");
  INFO(gen.status().ToString());
  REQUIRE(gen.ok());
  CHECK(*gen == 1);
  REQUIRE(env.Eventually([&] {
    for (const Object& o : kObjects) {
      if (env.Phase(*o.r, o.ns, o.name) != "Active") return false;
    }
    return true;
  }));
  json api = *env.Get(kIdentities, "shop", "api");
  CHECK(api["status"]["activeGeneration"] == 1);
  CHECK(api["status"]["observedGeneration"] == 1);
  CHECK(api["status"]["conditions"][0]["status"] == "True");
  CHECK((*env.Get(kClusters, "", "prod"))["status"]["activeGeneration"] == 1);

  bool have_kubectl = system("kubectl version --client >/dev/null 2>&1") == 0;
  if (have_kubectl) {
    int code = 0;
    std::string wide = Kubectl(env, "get wid -n shop -o wide", &code);
    CHECK(code == 0);
    CHECK(wide.find(hash) != std::string::npos);
    CHECK(wide.find("Active") != std::string::npos);
    Kubectl(env, "wait --for=condition=Ready wid/api -n shop --timeout=10s", &code);
    CHECK(code == 0);
  }

  // A spec change: one new proposal; api waits for approval, web stays Active.
  REQUIRE(env.client->MergePatch(kIdentities, "shop", "api", {{"spec", {{"ports", {8080, 9090}}}}})
              .ok());
  REQUIRE(env.Eventually([&] {
    return env.Phase(kIdentities, "shop", "api") == "PendingApproval" &&
           env.ManifestHash(kIdentities, "shop", "api") != hash;
  }));
  std::string hash2 = env.ManifestHash(kIdentities, "shop", "api");
  CHECK((*env.Get(kIdentities, "shop", "api"))["status"]["observedGeneration"] == 2);
  CHECK(env.Phase(kIdentities, "shop", "web") == "Active");
  CHECK(env.ManifestHash(kIdentities, "shop", "web") == hash);
  CHECK(env.Phase(kClusters, "", "prod") == "PendingApproval");
  REQUIRE(env.cds->Approve(hash2, env.owner, "alice").ok());
  REQUIRE(env.Eventually([&] {
    auto a = env.Get(kIdentities, "shop", "api");
    return env.Phase(kIdentities, "shop", "api") == "Active" &&
           (*a)["status"].value("activeGeneration", 0) == 2;
  }));
  CHECK(env.cds->Active() == std::make_pair(hash2, int64_t{2}));
  CHECK(env.cds->ProposeEvents().size() == 2);

  // The binary's endpoints.
  auto port = ReadFile(env.dir.Path("operator-port"));
  REQUIRE(port.ok());
  int http = std::stoi(*port);
  CHECK(Http(http, "/healthz") == "ok\n 200");
  CHECK(Http(http, "/readyz") == "ok\n 200");
  std::string metrics = Http(http, "/metrics");
  CHECK(metrics.find("c8s_operator_proposals_total 2") != std::string::npos);
  CHECK(metrics.find("c8s_operator_leader 1") != std::string::npos);

  // Graceful shutdown: exit 0, the Lease given up for a successor.
  CHECK(env.StopOperatorProcess(op) == 0);
  auto lease = env.Get(kube::kLeases, "default", "c8s-operator");
  REQUIRE(lease.has_value());
  CHECK((*lease)["spec"]["holderIdentity"] == "");
}

TEST_CASE("c8s-operator --help and clear errors", "[component]") {
  std::string bin = c8s::testing::BinaryPath("bin/c8s-operator");
  FILE* p = popen((bin + " --help 2>&1").c_str(), "r");
  std::string text;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), p)) > 0) text.append(buf, n);
  CHECK(WEXITSTATUS(pclose(p)) == 0);
  for (const char* flag : {"--kubeconfig", "--cds-address", "--cds-ca", "--leader-elect",
                           "--http-address", "--settle-ms"}) {
    CHECK(text.find(flag) != std::string::npos);
  }
  p = popen((bin + " --cds-address 127.0.0.1:1 --cds-ca /nonexistent --kubeconfig /nonexistent "
                   "2>&1")
                .c_str(),
            "r");
  text.clear();
  while ((n = fread(buf, 1, sizeof(buf), p)) > 0) text.append(buf, n);
  CHECK(WEXITSTATUS(pclose(p)) == 1);
  CHECK(text.find("kube config") != std::string::npos);
  CHECK(text.find("/nonexistent") != std::string::npos);
}

}  // namespace
}  // namespace c8s::op::testing
