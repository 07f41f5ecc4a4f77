// KubeStorage against c8s-kube-local (a real HTTPS API server with optimistic concurrency):
// one Secret per object, conditional writes refused on a stale resourceVersion, and two CDS
// runtimes starting on the same empty namespace create exactly one CA.
#include <catch2/catch_test_macros.hpp>

#include "cds/kube_storage.h"
#include "cds/testing_for_test.h"
#include "lib/kube/config.h"
#include "test/kube-local/local_cluster.h"
#include "test/support/test_env.h"

namespace c8s::cds {
namespace {

struct Cluster {
  c8s::testing::TempDir dir;
  std::unique_ptr<kubelocal::LocalCluster> api;
  std::unique_ptr<kube::Client> client;
  Cluster() {
    kubelocal::ClusterOptions o;
    o.state_dir = dir.path();
    api = std::make_unique<kubelocal::LocalCluster>(o);
    REQUIRE(api->Start().ok());
    absl::StatusOr<kube::KubeConfig> cfg = kube::LoadKubeconfig(api->kubeconfig_path());
    REQUIRE(cfg.ok());
    auto c = kube::Client::Create(*cfg);
    REQUIRE(c.ok());
    client = std::move(*c);
  }
  ~Cluster() {
    client.reset();
    api->Stop();
  }
};

std::string Msg(const absl::Status& st) { return std::string(st.message()); }

TEST_CASE("kube storage: Secrets per object with resourceVersion-conditional writes",
          "[component]") {
  Cluster k;
  KubeStorage storage(k.client.get(), "default", "c8s-cds-");
  CHECK(storage.Describe() == "kubernetes secrets default/c8s-cds-*");
  auto absent = storage.Read("state");
  REQUIRE(absent.ok());
  CHECK(!absent->has_value());

  auto r1 = storage.Write("state", AsBytes("one"), std::string());
  INFO(r1.status().ToString());
  REQUIRE(r1.ok());
  auto again = storage.Write("state", AsBytes("two"), std::string());
  CHECK(Msg(again.status()) ==
        "storage conflict on \"state\": expected revision (absent), found an existing Secret "
        "(another writer got there first)");
  auto r2 = storage.Write("state", AsBytes("two"), *r1);
  REQUIRE(r2.ok());
  CHECK(*r2 != *r1);
  auto stale = storage.Write("state", AsBytes("three"), *r1);
  CHECK(stale.status().code() == absl::StatusCode::kAborted);
  CHECK(Msg(stale.status()).rfind("storage conflict on \"state\": expected revision " + *r1, 0) ==
        0);
  auto read = storage.Read("state");
  REQUIRE(read.ok());
  REQUIRE(read->has_value());
  CHECK((*read)->data == ToBytes("two"));
  CHECK((*read)->revision == *r2);

  REQUIRE(storage.Write("audit-head", AsBytes("x")).ok());  // unconditional
  REQUIRE(storage.Write("audit-head", AsBytes("y")).ok());
  auto names = storage.List();
  REQUIRE(names.ok());
  CHECK(*names == std::vector<std::string>{"audit-head", "state"});
  CHECK(storage.Read("Not_A_Name").status().code() == absl::StatusCode::kInvalidArgument);

  // The Secret as the API server keeps it: the sealed blob only, labelled.
  auto secret = k.client->Get({"", "v1", "secrets", true}, "default", "c8s-cds-state");
  REQUIRE(secret.ok());
  CHECK((*secret)["metadata"]["labels"]["c8s.dev/cds-object"] == "true");
  CHECK((*secret)["data"]["blob"] == Base64Encode(ToBytes("two")));
}

TEST_CASE("kube storage: two CDS runtimes on one empty namespace create exactly one CA",
          "[component]") {
  Cluster k;
  KubeStorage sa(k.client.get(), "default");
  KubeStorage sb(k.client.get(), "default");
  testing::RuntimeWorld a(&sa, true);
  testing::RuntimeWorld b(&sb, true);
  REQUIRE(a.rt->cds() != nullptr);
  CHECK(b.rt->sealed());
  CHECK(!b.seeds.seed.has_value());
  absl::Status unsealed = b.rt->Unseal(*a.seeds.seed, "replica");
  INFO(unsealed.ToString());
  REQUIRE(unsealed.ok());
  CHECK(b.rt->cds()->ca_certificate().ToDer() == a.rt->cds()->ca_certificate().ToDer());
  // Storage that serves back what was written is consistent with what was written.
  CHECK(a.rt->cds()->CheckStorage().ok());
}

}  // namespace
}  // namespace c8s::cds
