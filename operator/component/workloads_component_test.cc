// Owned workloads applied to c8s-kube-local: created once, idempotent on the second pass,
// repaired after drift, and garbage-collected with their ConfidentialCluster.
#include <catch2/catch_test_macros.hpp>

#include "lib/kube/component/cluster_fixture.h"
#include "lib/kube/errors.h"
#include "operator/workloads.h"

namespace c8s::op {
namespace {

using kube::testing::ClusterFixture;
using kube::testing::Sample;
using nlohmann::json;

const kube::Resource kClusters{"c8s.dev", "v1alpha1", "confidentialclusters", false};

// The act step: create what is missing, merge-patch what drifted; returns the writes made.
int Act(kube::Client& c, const std::vector<Owned>& desired) {
  int writes = 0;
  for (const Owned& o : desired) {
    const json& md = o.object["metadata"];
    auto live = c.Get(o.resource, md["namespace"], md["name"]);
    if (kube::IsNotFound(live.status())) {
      REQUIRE(c.Create(o.resource, md["namespace"], o.object).ok());
      ++writes;
    } else {
      REQUIRE(live.ok());
      if (!Satisfies(*live, o.object)) {
        REQUIRE(c.MergePatch(o.resource, md["namespace"], md["name"], o.object).ok());
        ++writes;
      }
    }
  }
  return writes;
}

TEST_CASE("owned workloads: create, idempotent, repair drift, cascade on delete", "[component]") {
  ClusterFixture f;
  kube::Client& c = *f.client;
  REQUIRE(
      c.Create(
           kube::testing::kNamespaces, "",
           {{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", "c8s-system"}}}})
          .ok());
  auto cluster = c.Create(kClusters, "", Sample("crds/samples/10-confidentialcluster.yaml"));
  REQUIRE(cluster.ok());
  std::vector<Owned> desired = DesiredWorkloads(*cluster);
  CHECK(Act(c, desired) == static_cast<int>(desired.size()));
  CHECK(Act(c, desired) == 0);  // second pass: nothing to write

  const kube::Resource sts{"apps", "v1", "statefulsets", true};
  REQUIRE(c.MergePatch(sts, "c8s-system", "c8s-cds", {{"spec", {{"replicas", 9}}}}).ok());
  CHECK(Act(c, desired) == 1);
  CHECK((*c.Get(sts, "c8s-system", "c8s-cds"))["spec"]["replicas"] == 2);

  REQUIRE(c.Delete(kClusters, "", "prod").ok());
  for (const Owned& o : desired) {
    const json& md = o.object["metadata"];
    CHECK(kube::IsNotFound(c.Get(o.resource, md["namespace"], md["name"]).status()));
  }
}

}  // namespace
}  // namespace c8s::op
