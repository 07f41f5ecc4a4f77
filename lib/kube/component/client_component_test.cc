// lib/kube's client against c8s-kube-local: every verb, typed errors, optimistic concurrency,
// status subresource and generation, schema validation, cascading deletion and finalizers.
#include <catch2/catch_test_macros.hpp>
#include <mutex>
#include <thread>

#include "lib/kube/component/cluster_fixture.h"
#include "lib/kube/errors.h"

namespace c8s::kube::testing {
namespace {

TEST_CASE("client drives every verb on a built-in kind", "[component]") {
  ClusterFixture f;
  Client& c = *f.client;
  for (const char* name : {"a", "b", "c"}) {
    auto created = c.Create(kConfigMaps, "default", ConfigMap("default", name, {{"k", name}}));
    REQUIRE(created.ok());
    CHECK((*created)["metadata"]["generation"] == 1);
    CHECK(!(*created)["metadata"].value("uid", "").empty());
  }
  CHECK(
      kube::IsAlreadyExists(c.Create(kConfigMaps, "default", ConfigMap("default", "a")).status()));
  CHECK(kube::IsNotFound(c.Get(kConfigMaps, "default", "zzz").status()));
  CHECK(kube::IsNotFound(c.Create(kConfigMaps, "nope", ConfigMap("nope", "a")).status()));

  auto page = c.List(kConfigMaps, "default", {.limit = 2});
  REQUIRE(page.ok());
  CHECK((*page)["items"].size() == 2);
  std::string next = (*page)["metadata"].value("continue", "");
  REQUIRE(!next.empty());
  auto rest = c.List(kConfigMaps, "default", {.limit = 2, .continue_token = next});
  REQUIRE(rest.ok());
  REQUIRE((*rest)["items"].size() == 1);
  CHECK((*rest)["items"][0]["metadata"]["name"] == "c");
  auto all = c.ListAll(kConfigMaps, "default", {.limit = 1});
  REQUIRE(all.ok());
  CHECK((*all)["items"].size() == 3);

  auto a = c.Get(kConfigMaps, "default", "a");
  REQUIRE(a.ok());
  json stale = *a;
  (*a)["data"]["k"] = "a2";
  auto updated = c.Update(kConfigMaps, *a);
  REQUIRE(updated.ok());
  CHECK((*updated)["metadata"]["resourceVersion"] != stale["metadata"]["resourceVersion"]);
  stale["data"]["k"] = "lost update";
  absl::Status conflict = c.Update(kConfigMaps, stale).status();
  CHECK(kube::IsConflict(conflict));

  auto patched =
      c.MergePatch(kConfigMaps, "default", "a", {{"data", {{"extra", "x"}, {"k", nullptr}}}});
  REQUIRE(patched.ok());
  CHECK((*patched)["data"] == json{{"extra", "x"}});

  absl::Status bad_pre = c.Delete(kConfigMaps, "default", "a", {.precondition_uid = "not-the-uid"});
  CHECK(kube::IsConflict(bad_pre));
  REQUIRE(c.Delete(kConfigMaps, "default", "a",
                   {.precondition_resource_version = (*patched)["metadata"]["resourceVersion"]})
              .ok());
  CHECK(kube::IsNotFound(c.Get(kConfigMaps, "default", "a").status()));
}

TEST_CASE("custom resources: status subresource, generation and schema", "[component]") {
  ClusterFixture f;
  Client& c = *f.client;
  REQUIRE(c.Create(kNamespaces, "",
                   {{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", "shop"}}}})
              .ok());
  auto res = c.Discover("c8s.dev/v1alpha1", "WorkloadIdentity");
  REQUIRE(res.ok());
  CHECK(res->resource == "workloadidentities");
  CHECK(res->namespaced);

  json wid = Sample("crds/samples/30-workloadidentity.yaml");
  wid["spec"]["unknownField"] = 1;
  wid["status"] = {{"phase", "Active"}};
  auto created = c.Create(kWorkloadIdentities, "shop", wid);
  REQUIRE(created.ok());
  CHECK_FALSE((*created)["spec"].contains("unknownField"));  // pruned
  CHECK_FALSE(created->contains("status"));                  // status only via subresource
  CHECK((*created)["spec"]["egress"][0]["protocol"] == "TCP");
  CHECK((*created)["spec"]["runtime"]["privileged"] == false);  // defaulted

  json status_obj = *created;
  status_obj["status"] = {{"phase", "PendingApproval"}, {"observedGeneration", 1}};
  auto with_status = c.UpdateStatus(kWorkloadIdentities, status_obj);
  REQUIRE(with_status.ok());
  CHECK((*with_status)["status"]["phase"] == "PendingApproval");
  CHECK((*with_status)["metadata"]["generation"] == 1);

  auto relabeled =
      c.MergePatch(kWorkloadIdentities, "shop", "api", {{"metadata", {{"labels", {{"x", "y"}}}}}});
  REQUIRE(relabeled.ok());
  CHECK((*relabeled)["metadata"]["generation"] == 1);  // metadata is not spec
  auto respec = c.MergePatch(kWorkloadIdentities, "shop", "api",
                             {{"spec", {{"ports", {8080, 9090}}}}, {"status", nullptr}});
  REQUIRE(respec.ok());
  CHECK((*respec)["metadata"]["generation"] == 2);
  CHECK((*respec)["status"]["phase"] == "PendingApproval");  // main resource ignores status

  auto invalid =
      c.MergePatch(kWorkloadIdentities, "shop", "api",
                   {{"spec", {{"ports", {70000}}, {"containers", {{{"image", "latest"}}}}}}});
  REQUIRE(kube::IsInvalid(invalid.status()));
  std::string msg(invalid.status().message());
  CHECK(msg.find("spec.ports[0]") != std::string::npos);
  CHECK(msg.find("spec.containers[0].image") != std::string::npos);
  json missing = Sample("crds/samples/30-workloadidentity.yaml");
  missing["metadata"]["name"] = "no-containers";
  missing["spec"].erase("containers");
  auto required = c.Create(kWorkloadIdentities, "shop", missing);
  CHECK(kube::IsInvalid(required.status()));
  CHECK(std::string(required.status().message()).find("spec.containers: Required value") !=
        std::string::npos);
}

TEST_CASE("owner references cascade; finalizers hold deletion", "[component]") {
  ClusterFixture f;
  Client& c = *f.client;
  json deploy = {{"apiVersion", "apps/v1"},
                 {"kind", "Deployment"},
                 {"metadata", {{"name", "web"}, {"namespace", "default"}}},
                 {"spec", {{"replicas", 1}}}};
  auto owner = c.Create(kDeployments, "default", deploy);
  REQUIRE(owner.ok());
  json ref = {{"apiVersion", "apps/v1"},
              {"kind", "Deployment"},
              {"name", "web"},
              {"uid", (*owner)["metadata"]["uid"]},
              {"controller", true}};
  json plain = ConfigMap("default", "plain");
  plain["metadata"]["ownerReferences"] = json::array({ref});
  json held = ConfigMap("default", "held");
  held["metadata"]["ownerReferences"] = json::array({ref});
  held["metadata"]["finalizers"] = {"c8s.dev/cleanup"};
  REQUIRE(c.Create(kConfigMaps, "default", plain).ok());
  REQUIRE(c.Create(kConfigMaps, "default", held).ok());

  REQUIRE(c.Delete(kDeployments, "default", "web", {.propagation_policy = "Background"}).ok());
  CHECK(kube::IsNotFound(c.Get(kDeployments, "default", "web").status()));
  CHECK(kube::IsNotFound(c.Get(kConfigMaps, "default", "plain").status()));
  auto terminating = c.Get(kConfigMaps, "default", "held");
  REQUIRE(terminating.ok());
  CHECK((*terminating)["metadata"].contains("deletionTimestamp"));
  auto add_finalizer = c.MergePatch(kConfigMaps, "default", "held",
                                    {{"metadata", {{"finalizers", {"c8s.dev/cleanup", "new"}}}}});
  CHECK(kube::IsInvalid(add_finalizer.status()));
  REQUIRE(
      c.MergePatch(kConfigMaps, "default", "held", {{"metadata", {{"finalizers", nullptr}}}}).ok());
  CHECK(kube::IsNotFound(c.Get(kConfigMaps, "default", "held").status()));

  auto owner2 = c.Create(kDeployments, "default", deploy);
  REQUIRE(owner2.ok());
  json orphan = ConfigMap("default", "orphan");
  ref["uid"] = (*owner2)["metadata"]["uid"];
  orphan["metadata"]["ownerReferences"] = json::array({ref});
  REQUIRE(c.Create(kConfigMaps, "default", orphan).ok());
  REQUIRE(c.Delete(kDeployments, "default", "web", {.propagation_policy = "Orphan"}).ok());
  auto kept = c.Get(kConfigMaps, "default", "orphan");
  REQUIRE(kept.ok());
  CHECK_FALSE((*kept)["metadata"].contains("ownerReferences"));
}

TEST_CASE("conflicting writers: every increment lands exactly once", "[component]") {
  ClusterFixture f;
  REQUIRE(
      f.client->Create(kConfigMaps, "default", ConfigMap("default", "counter", {{"n", "0"}})).ok());
  std::atomic<int> conflicts{0};
  // Catch2's assertions are not thread-safe: the writers collect what went wrong instead.
  std::mutex mu;
  std::vector<std::string> errors;
  auto writer = [&] {
    std::unique_ptr<Client> c = f.NewClient();
    for (int i = 0; i < 25; ++i) {
      while (true) {
        auto cur = c->Get(kConfigMaps, "default", "counter");
        if (!cur.ok()) {
          std::lock_guard lock(mu);
          errors.push_back("get: " + cur.status().ToString());
          return;
        }
        (*cur)["data"]["n"] = std::to_string(std::stoi((*cur)["data"]["n"].get<std::string>()) + 1);
        absl::Status s = c->Update(kConfigMaps, *cur).status();
        if (s.ok()) break;
        if (!kube::IsConflict(s)) {
          std::lock_guard lock(mu);
          errors.push_back("update: " + s.ToString());
          return;
        }
        ++conflicts;
      }
    }
  };
  std::thread t1(writer), t2(writer);
  t1.join();
  t2.join();
  for (const std::string& e : errors) UNSCOPED_INFO(e);
  REQUIRE(errors.empty());
  auto final_obj = f.client->Get(kConfigMaps, "default", "counter");
  REQUIRE(final_obj.ok());
  CHECK((*final_obj)["data"]["n"] == "50");
  INFO("conflicts observed: " << conflicts.load());
}

TEST_CASE("wrong token is 401", "[component]") {
  ClusterFixture f;
  KubeConfig cfg = f.client->config();
  cfg.token = "wrong";
  auto c = Client::Create(cfg);
  REQUIRE(c.ok());
  absl::Status s = (*c)->Get(kConfigMaps, "default", "x").status();
  CHECK(kube::HttpCode(s) == 401);
  CHECK(s.code() == absl::StatusCode::kUnauthenticated);
}

}  // namespace
}  // namespace c8s::kube::testing
