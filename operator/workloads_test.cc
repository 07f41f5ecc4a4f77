#include "operator/workloads.h"

#include <catch2/catch_test_macros.hpp>
#include <set>

namespace c8s::op {
namespace {

using nlohmann::json;

const json kCluster = {{"apiVersion", "c8s.dev/v1alpha1"},
                       {"kind", "ConfidentialCluster"},
                       {"metadata", {{"name", "prod"}, {"uid", "uid-1"}}},
                       {"spec",
                        {{"namespace", "c8s-system"},
                         {"images",
                          {{"cds", "r/cds@sha256:aa"},
                           {"nodeAgent", "r/na@sha256:bb"},
                           {"ingressRouter", "r/ir@sha256:cc"}}},
                         {"replicas", {{"cds", 3}, {"ingressRouter", 1}}}}}};

TEST_CASE("desired workloads of a ConfidentialCluster", "[unit]") {
  std::vector<Owned> objs = DesiredWorkloads(kCluster);
  std::set<std::string> names;
  for (const Owned& o : objs) {
    const json& md = o.object["metadata"];
    names.insert(o.object["kind"].get<std::string>() + "/" + md["name"].get<std::string>());
    CHECK(md["namespace"] == "c8s-system");
    REQUIRE(md["ownerReferences"].size() == 1);
    CHECK(md["ownerReferences"][0]["uid"] == "uid-1");
    CHECK(md["ownerReferences"][0]["controller"] == true);
    CHECK(o.object["apiVersion"] == o.resource.ApiVersion());
  }
  CHECK(names ==
        std::set<std::string>{"ServiceAccount/c8s-cds", "ServiceAccount/c8s-ingress-router",
                              "ServiceAccount/c8s-node-agent", "Role/c8s-cds",
                              "RoleBinding/c8s-cds", "Service/c8s-cds", "Service/c8s-cds-peers",
                              "StatefulSet/c8s-cds", "DaemonSet/c8s-node-agent",
                              "Deployment/c8s-ingress-router", "Service/c8s-ingress-router"});
  for (const Owned& o : objs) {
    std::string kind = o.object["kind"];
    if (kind == "StatefulSet") {
      CHECK(o.object["spec"]["replicas"] == 3);
      CHECK(o.object["spec"]["template"]["spec"]["containers"][0]["image"] == "r/cds@sha256:aa");
    } else if (kind == "Deployment") {
      CHECK(o.object["spec"]["replicas"] == 1);
    } else if (kind == "DaemonSet") {
      CHECK(o.object["spec"]["template"]["spec"]["containers"][0]["image"] == "r/na@sha256:bb");
    }
  }
  CHECK(DesiredWorkloads(kCluster).size() == objs.size());
  CHECK(DesiredWorkloads(kCluster)[5].object == objs[5].object);  // deterministic
}

TEST_CASE("ManagingCluster: the oldest, then by name, deleting ones included", "[unit]") {
  auto c = [](const std::string& name, const std::string& created, bool deleting = false) {
    json o = {{"metadata", {{"name", name}, {"creationTimestamp", created}}}};
    if (deleting) o["metadata"]["deletionTimestamp"] = "2026-01-01T00:00:00Z";
    return o;
  };
  CHECK(ManagingCluster({}) == "");
  CHECK(ManagingCluster({c("b", "2026-01-02T00:00:00Z"), c("a", "2026-01-03T00:00:00Z")}) == "b");
  CHECK(ManagingCluster({c("b", "2026-01-02T00:00:00Z"), c("a", "2026-01-02T00:00:00Z")}) == "a");
  CHECK(ManagingCluster(
            {c("old", "2026-01-01T00:00:00Z", true), c("new", "2026-02-01T00:00:00Z")}) == "old");
  CHECK(ManagingCluster({json::object(), c("x", "2026-01-01T00:00:00Z")}) == "x");
}

TEST_CASE("Satisfies ignores fields the operator does not own", "[unit]") {
  json desired = {{"spec", {{"replicas", 2}, {"ports", {{{"port", 1}}}}}}};
  json live = {{"spec", {{"replicas", 2}, {"ports", {{{"port", 1}, {"protocol", "TCP"}}}}}},
               {"status", {{"ready", 1}}}};
  CHECK(Satisfies(live, desired));
  live["spec"]["replicas"] = 3;
  CHECK_FALSE(Satisfies(live, desired));
  live["spec"]["replicas"] = 2;
  live["spec"]["ports"].push_back({{"port", 2}});
  CHECK_FALSE(Satisfies(live, desired));
  CHECK_FALSE(Satisfies(json(), desired));
}

}  // namespace
}  // namespace c8s::op
