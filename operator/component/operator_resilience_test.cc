// Issue #5 resilience, automated, all real (c8s-kube-local in this process so that it can be
// restarted, the c8s-cds binary, the operator library or binary): an API server restart in
// the middle of the watches, 410 Gone, conflicting writers, operator restarts (graceful and
// kill -9) and a second replica, a CDS that is down, malformed and unexpected objects, and
// the teardown of a deleted ConfidentialCluster.
#include <signal.h>
#include <sys/wait.h>

#include <catch2/catch_test_macros.hpp>
#include <set>

#include "absl/time/clock.h"
#include "lib/kube/errors.h"
#include "lib/kube/json_util.h"
#include "lib/kube/leader.h"
#include "lib/manifest/parse.h"
#include "operator/component/operator_env.h"
#include "operator/resources.h"
#include "operator/workloads.h"

namespace c8s::op::testing {
namespace {

using nlohmann::json;

json Identity(OperatorEnv& env, const std::string& name) {
  json o = env.Sample("crds/samples/31-workloadidentity-web.yaml");
  o["metadata"]["name"] = name;
  o["spec"]["dnsNames"] = {name + ".shop.svc.cluster.local"};
  return o;
}

// The pending manifest `hash` at the CDS, parsed.
manifest::Manifest PendingManifest(OperatorEnv& env, const std::string& hash) {
  absl::StatusOr<std::string> text = env.cds->Pending(hash);
  INFO(hash << ": " << text.status().ToString());
  REQUIRE(text.ok());
  absl::StatusOr<manifest::Manifest> m = manifest::ParseManifest(*text);
  REQUIRE(m.ok());
  return *m;
}

std::set<std::string> HashesProposed(OperatorEnv& env) {
  std::set<std::string> out;
  for (const json& e : env.cds->ProposeEvents()) {
    out.insert(kube::GetString(e["details"], "manifestHash"));
  }
  return out;
}

const json* Condition(const json& obj, const std::string& type) {
  if (!obj.contains("status") || !obj["status"].contains("conditions")) return nullptr;
  for (const json& c : obj["status"]["conditions"]) {
    if (c.value("type", "") == type) return &c;
  }
  return nullptr;
}

bool AllPending(OperatorEnv& env, const std::vector<std::string>& names, std::string* hash) {
  std::string first;
  for (const std::string& n : names) {
    if (env.Phase(kIdentities, "shop", n) != "PendingApproval") return false;
    std::string h = env.ManifestHash(kIdentities, "shop", n);
    if (first.empty()) first = h;
    if (h != first) return false;
  }
  *hash = first;
  return true;
}

TEST_CASE("resilience: API server restart mid-watch and 410 Gone", "[component]") {
  OperatorEnv env({.history = 40});
  env.ApplySamples();
  env.StartOperator();
  std::string h1;
  REQUIRE(env.Eventually([&] { return AllPending(env, {"api", "web"}, &h1); }));

  // Down for a moment; meanwhile 60 identities are written (more than the 40 events of watch
  // history the server keeps), so every watch resuming from before gets 410 Gone.
  std::optional<kubelocal::ResourceType> wid =
      env.cluster->registry().Find("c8s.dev", "v1alpha1", "workloadidentities");
  REQUIRE(wid.has_value());
  REQUIRE(env.cluster
              ->Restart(
                  [&] {
                    for (int i = 0; i < 60; ++i) {
                      json out;
                      kubelocal::ApiError e = env.cluster->api().Create(
                          *wid, "shop", Identity(env, "late-" + std::to_string(i)), {}, &out);
                      REQUIRE(e.ok());
                    }
                    absl::SleepFor(absl::Milliseconds(300));  // the informers retry meanwhile
                  },
                  /*keep_history=*/true)
              .ok());
  std::vector<std::string> names = {"api", "web"};
  for (int i = 0; i < 60; ++i) names.push_back("late-" + std::to_string(i));
  std::string h2;
  REQUIRE(env.Eventually([&] { return AllPending(env, names, &h2) && h2 != h1; }));
  CHECK(PendingManifest(env, h2).identities.size() == 62);

  // A plain restart (history dropped, as after etcd compaction), then a write after it.
  REQUIRE(env.cluster->Restart().ok());
  REQUIRE(env.client->Create(kIdentities, "shop", Identity(env, "after")).ok());
  names.push_back("after");
  std::string h3;
  REQUIRE(env.Eventually([&] { return AllPending(env, names, &h3) && h3 != h2; }));
  CHECK(PendingManifest(env, h3).identities.size() == 63);
  // Every proposal was a different manifest: nothing was proposed twice.
  CHECK(env.cds->ProposeEvents().size() == HashesProposed(env).size());
  CHECK(HashesProposed(env).count(h3) == 1);
}

TEST_CASE("resilience: conflicting writers converge to the last spec", "[component]") {
  OperatorEnv env;
  env.ApplySamples();
  env.StartOperator();
  std::string h1;
  REQUIRE(env.Eventually([&] { return AllPending(env, {"api", "web"}, &h1); }));
  // For two seconds: the api spec keeps changing (another client), a rogue writer keeps
  // overwriting web's status, and someone scales the owned CDS StatefulSet.
  auto cfg = kube::LoadKubeconfig(env.cluster->kubeconfig_path());
  REQUIRE(cfg.ok());
  auto other_client = kube::Client::Create(*cfg);
  REQUIRE(other_client.ok());
  std::unique_ptr<kube::Client> other = std::move(*other_client);
  int64_t last_port = 0;
  absl::Time end = absl::Now() + absl::Seconds(2);
  for (int i = 0; absl::Now() < end; ++i) {
    last_port = 9000 + i;
    REQUIRE(
        other->MergePatch(kIdentities, "shop", "api", {{"spec", {{"ports", {last_port}}}}}).ok());
    auto web = other->Get(kIdentities, "shop", "web");
    REQUIRE(web.ok());
    (*web)["status"] = {{"phase", "Active"}, {"observedGeneration", 99}};
    absl::Status s = other->UpdateStatus(kIdentities, *web).status();
    CHECK((s.ok() || kube::IsConflict(s)));
    REQUIRE(other->MergePatch(kStatefulSets, "c8s-system", "c8s-cds", {{"spec", {{"replicas", 9}}}})
                .ok());
    absl::SleepFor(absl::Milliseconds(20));
  }
  int64_t generation = (*env.Get(kIdentities, "shop", "api"))["metadata"]["generation"];
  std::string h;
  REQUIRE(env.Eventually([&] {
    auto api = env.Get(kIdentities, "shop", "api");
    auto sts = env.Get(kStatefulSets, "c8s-system", "c8s-cds");
    return AllPending(env, {"api", "web"}, &h) &&
           (*api)["status"].value("observedGeneration", 0) == generation &&
           (*sts)["spec"]["replicas"] == 2;
  }));
  manifest::Manifest m = PendingManifest(env, h);
  REQUIRE(m.FindIdentity("shop/api") != nullptr);
  CHECK(m.FindIdentity("shop/api")->ports == std::vector<int64_t>{last_port});
  CHECK((*env.Get(kIdentities, "shop", "web"))["status"]["observedGeneration"] == 1);
  // Settling coalesced the churn: far fewer proposals than spec changes.
  CHECK(env.cds->ProposeEvents().size() <= 6);
}

TEST_CASE("resilience: operator restarts propose nothing twice", "[component]") {
  OperatorEnv env;
  env.ApplySamples();
  env.StartOperator(TestOperatorOptions("op-a"));
  std::string h1;
  REQUIRE(env.Eventually([&] { return AllPending(env, {"api", "web"}, &h1); }));
  CHECK(env.op().proposals() == 1);

  SECTION("graceful restart, and a second replica that takes over") {
    env.StopOperator();
    env.StartOperator(TestOperatorOptions("op-b"));
    REQUIRE(env.Eventually([&] { return env.op().leading() && env.op().ready(); }));
    absl::SleepFor(absl::Seconds(2));  // several CDS polls
    CHECK(env.op().proposals() == 0);
    CHECK(env.cds->ProposeEvents().size() == 1);
    CHECK(env.ManifestHash(kIdentities, "shop", "api") == h1);
  }
  SECTION("kill -9 of the binary, and a change while no operator runs") {
    env.StopOperator();
    std::vector<std::string> fast = {"--lease-duration", "2", "--renew-deadline", "1"};
    pid_t first = env.StartOperatorProcess(fast);
    REQUIRE(env.Eventually([&] {
      auto lease = env.Get(kube::kLeases, "default", "c8s-operator");
      return lease && (*lease)["spec"].value("holderIdentity", "").find("_") != std::string::npos;
    }));
    absl::SleepFor(absl::Seconds(1));
    CHECK(env.cds->ProposeEvents().size() == 1);  // it found the proposal at the CDS
    kill(first, SIGKILL);                         // StopOperatorProcess then only reaps it
    CHECK(env.StopOperatorProcess(first) != 0);
    REQUIRE(
        env.client->MergePatch(kIdentities, "shop", "api", {{"spec", {{"ports", {7070}}}}}).ok());
    pid_t second = env.StartOperatorProcess(fast);  // waits for the dead holder's lease
    std::string h2;
    REQUIRE(env.Eventually([&] { return AllPending(env, {"api", "web"}, &h2) && h2 != h1; }));
    CHECK(PendingManifest(env, h2).FindIdentity("shop/api")->ports == std::vector<int64_t>{7070});
    absl::SleepFor(absl::Seconds(1));
    CHECK(env.cds->ProposeEvents().size() == 2);
    CHECK(env.StopOperatorProcess(second) == 0);
  }
}

TEST_CASE("resilience: a CDS that is down is reported and retried with backoff", "[component]") {
  OperatorEnv env;
  env.ApplySamples();
  env.cds->Kill();
  env.StartOperator();
  REQUIRE(env.Eventually([&] { return env.Phase(kIdentities, "shop", "api") == "Error"; }));
  json api = *env.Get(kIdentities, "shop", "api");
  CHECK((*Condition(api, "Ready"))["reason"] == "CDSUnavailable");
  CHECK((*Condition(api, "Ready"))["status"] == "Unknown");
  REQUIRE(env.Eventually([&] {
    auto c = env.Get(kClusters, "", "prod");
    const json* reach = c ? Condition(*c, "CDSReachable") : nullptr;
    return reach != nullptr && (*reach)["status"] == "False";
  }));
  json cluster = *env.Get(kClusters, "", "prod");
  std::string message = (*Condition(cluster, "CDSReachable"))["message"];
  CHECK(message.find(env.cds->address()) != std::string::npos);

  // Backoff 100 ms doubling to 2 s (TestOperatorOptions): over 5 s at most ~6 attempts, and
  // changes arriving meanwhile (20 new identities) do not add attempts of their own.
  int64_t before = env.op().cds_calls();
  for (int i = 0; i < 20; ++i) {
    REQUIRE(env.client->Create(kIdentities, "shop", Identity(env, "w" + std::to_string(i))).ok());
    absl::SleepFor(absl::Milliseconds(250));
  }
  int64_t during = env.op().cds_calls() - before;
  INFO("CDS calls in 5 s while down: " << during);
  CHECK(during >= 2);  // it does retry
  CHECK(during <= 6);  // but no hot loop
  CHECK(env.op().proposals() == 0);

  env.cds->Start();  // same state, same port, same CA
  std::string hash;
  REQUIRE(env.Eventually(
      [&] {
        return AllPending(env, {"api", "web", "w19"}, &hash);
      },
      absl::Seconds(10)));
  CHECK(PendingManifest(env, hash).identities.size() == 22);
  CHECK(env.cds->ProposeEvents().size() == 1);
  REQUIRE(env.Eventually([&] {
    auto c = env.Get(kClusters, "", "prod");
    const json* reach = c ? Condition(*c, "CDSReachable") : nullptr;
    return reach != nullptr && (*reach)["status"] == "True";
  }));
}

TEST_CASE("resilience: malformed and unexpected objects end up in status", "[component]") {
  OperatorEnv env;
  env.ApplySamples();
  // Valid for the CRD schema, refused by the compiler (cross-object rules, CEL rules that
  // c8s-kube-local does not evaluate).
  json ghost = Identity(env, "ghost");
  ghost["spec"]["allowFrom"] = {"shop/nope"};
  REQUIRE(env.client->Create(kIdentities, "shop", ghost).ok());
  json both = env.Sample("crds/samples/40-secretrelease.yaml");
  both["metadata"]["name"] = "both";
  both["spec"]["source"]["sealed"] = {
      {"suite", "X25519-HKDF-SHA256/AES-128-GCM"}, {"enc", "AAAA"}, {"ciphertext", "AAAA"}};
  REQUIRE(env.client->Create(kSecretReleases, "shop", both).ok());
  json dup = env.Sample("crds/samples/20-attestationpolicy.yaml");
  dup["metadata"]["name"] = "zz-dup";
  REQUIRE(env.client->Create(kPolicies, "", dup).ok());
  // Stored without validation (as objects written under an older, looser CRD schema stay).
  std::optional<kubelocal::ResourceType> wid =
      env.cluster->registry().Find("c8s.dev", "v1alpha1", "workloadidentities");
  REQUIRE(wid.has_value());
  std::vector<json> garbage = {
      {{"spec", {{"containers", 5}, {"ports", "eighty"}, {"selector", json::array()}}}},
      {{"spec", "not an object"}},
      {{"spec",
        {{"containers", {{{"image", 7}, {"args", {1, 2}}}}},
         {"runtime", {{"hostPaths", {{{"path", true}}}}}}}}},
      json::object()};
  {
    std::lock_guard<std::mutex> lock(env.cluster->store().mu);
    for (size_t i = 0; i < garbage.size(); ++i) {
      json& g = garbage[i];
      g["apiVersion"] = "c8s.dev/v1alpha1";
      g["kind"] = "WorkloadIdentity";
      g["metadata"] = {{"name", "garbage-" + std::to_string(i)},
                       {"namespace", "shop"},
                       {"uid", "garbage-uid-" + std::to_string(i)},
                       {"generation", 1},
                       {"creationTimestamp", "2026-01-01T00:00:00Z"}};
      env.cluster->store().Put(wid->StorageKey(), "shop", g["metadata"]["name"], g, "ADDED");
    }
  }
  // An unexpected second installation.
  json second = env.Sample("crds/samples/10-confidentialcluster.yaml");
  second["metadata"]["name"] = "second";
  second["spec"]["owners"] = {{{"name", "alice"}, {"publicKey", env.owner.GetPublicKey().ToPem()}}};
  absl::SleepFor(absl::Seconds(1));  // creationTimestamp has 1 s resolution: "second" is newer
  REQUIRE(env.client->Create(kClusters, "", second).ok());

  env.StartOperator();
  std::string hash;
  REQUIRE(env.Eventually([&] { return AllPending(env, {"api", "web"}, &hash); }));
  auto reason = [&](const kube::Resource& r, const std::string& ns, const std::string& name) {
    std::optional<json> obj = env.Get(r, ns, name);
    const json* ready = obj ? Condition(*obj, "Ready") : nullptr;
    return ready ? kube::GetString(*ready, "message") : std::string();
  };
  REQUIRE(env.Eventually([&] {
    for (int i = 0; i < 4; ++i) {
      if (env.Phase(kIdentities, "shop", "garbage-" + std::to_string(i)) != "Invalid") return false;
    }
    return env.Phase(kIdentities, "shop", "ghost") == "Invalid" &&
           env.Phase(kSecretReleases, "shop", "both") == "Invalid" &&
           env.Phase(kPolicies, "", "zz-dup") == "Invalid" &&
           env.Phase(kClusters, "", "second") == "Error";
  }));
  CHECK(reason(kIdentities, "shop", "ghost").find("unknown identity \"shop/nope\"") !=
        std::string::npos);
  CHECK(reason(kSecretReleases, "shop", "both").find("source") != std::string::npos);
  CHECK(reason(kPolicies, "", "zz-dup").find("roles already served") != std::string::npos);
  CHECK(reason(kIdentities, "shop", "garbage-0").find("identities") != std::string::npos);
  CHECK(reason(kClusters, "", "second").find("prod") != std::string::npos);
  manifest::Manifest m = PendingManifest(env, hash);
  CHECK(m.identities.size() == 2);
  CHECK(m.secrets.size() == 1);
  CHECK(m.attestation_policies.size() == 1);
  // The superseded cluster got no workloads of its own.
  json sts = *env.Get(kStatefulSets, "c8s-system", "c8s-cds");
  CHECK(sts["metadata"]["ownerReferences"][0]["name"] == "prod");
  CHECK(env.op().ready());
}

TEST_CASE("ConfidentialCluster deletion tears the workloads down, then lets go", "[component]") {
  OperatorEnv env;
  env.ApplySamples();
  env.StartOperator();
  json cluster = *env.Get(kClusters, "", "prod");
  std::vector<Owned> desired = DesiredWorkloads(cluster);
  REQUIRE(env.Eventually([&] {
    for (const Owned& o : desired) {
      if (!env.Get(o.resource, "c8s-system", o.object["metadata"]["name"])) return false;
    }
    return true;
  }));
  // Drift is repaired: a deleted Deployment comes back.
  REQUIRE(env.client->Delete(kDeployments, "c8s-system", "c8s-ingress-router").ok());
  REQUIRE(env.Eventually(
      [&] { return env.Get(kDeployments, "c8s-system", "c8s-ingress-router").has_value(); }));

  // Orphan propagation: the API server's garbage collector does nothing; the finalizer makes
  // the operator delete the workloads before the cluster object goes.
  REQUIRE(env.client->Delete(kClusters, "", "prod", {.propagation_policy = "Orphan"}).ok());
  REQUIRE(env.Eventually([&] { return !env.Get(kClusters, "", "prod").has_value(); }));
  for (const Owned& o : desired) {
    CHECK_FALSE(env.Get(o.resource, "c8s-system", o.object["metadata"]["name"]).has_value());
  }
  // Without a cluster there is no manifest: the identities say why.
  REQUIRE(env.Eventually([&] { return env.Phase(kIdentities, "shop", "api") == "Pending"; }));
}

}  // namespace
}  // namespace c8s::op::testing
