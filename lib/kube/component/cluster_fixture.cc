#include "lib/kube/component/cluster_fixture.h"

#include <catch2/catch_test_macros.hpp>

#include "lib/base/fd.h"
#include "lib/kube/yaml.h"

namespace c8s::kube::testing {

ClusterFixture::ClusterFixture(FixtureOptions options) {
  kubelocal::ClusterOptions co;
  co.state_dir = dir.path();
  co.crd_paths = {c8s::testing::SourcePath("crds")};
  co.history = options.history;
  co.bookmark_interval = absl::Milliseconds(200);
  cluster = std::make_unique<kubelocal::LocalCluster>(co);
  absl::Status started = cluster->Start();
  REQUIRE(started.ok());
  client = NewClient();
}

ClusterFixture::~ClusterFixture() {
  client.reset();
  cluster->Stop();
}

std::unique_ptr<Client> ClusterFixture::NewClient() const {
  absl::StatusOr<KubeConfig> cfg = LoadKubeconfig(cluster->kubeconfig_path());
  REQUIRE(cfg.ok());
  absl::StatusOr<std::unique_ptr<Client>> c = Client::Create(*cfg);
  REQUIRE(c.ok());
  return std::move(*c);
}

json ConfigMap(const std::string& ns, const std::string& name, const json& data) {
  return {{"apiVersion", "v1"},
          {"kind", "ConfigMap"},
          {"metadata", {{"name", name}, {"namespace", ns}}},
          {"data", data}};
}

json Sample(const std::string& relative_path) {
  absl::StatusOr<std::string> text = ReadFile(c8s::testing::SourcePath(relative_path));
  REQUIRE(text.ok());
  absl::StatusOr<std::vector<json>> docs = YamlToJson(*text);
  REQUIRE(docs.ok());
  REQUIRE(!docs->empty());
  return (*docs)[0];
}

}  // namespace c8s::kube::testing
