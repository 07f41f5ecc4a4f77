#include "lib/kube/config.h"

#include <catch2/catch_test_macros.hpp>

#include "lib/base/fd.h"
#include "lib/kube/yaml.h"
#include "test/support/test_env.h"

namespace c8s::kube {
namespace {

constexpr char kConfig[] = R"(apiVersion: v1
kind: Config
clusters:
- name: a
  cluster:
    server: https://10.0.0.1:6443
    certificate-authority-data: Q0EtUEVN
- name: insecure
  cluster:
    server: https://[fd00::1]
    insecure-skip-tls-verify: true
users:
- name: u
  user:
    token: secret-token
- name: plugin
  user:
    exec: {command: aws}
contexts:
- name: main
  context: {cluster: a, user: u, namespace: shop}
- name: risky
  context: {cluster: insecure, user: u}
- name: exec
  context: {cluster: a, user: plugin}
current-context: main
)";

TEST_CASE("kubeconfig current context", "[unit]") {
  auto cfg = ParseKubeconfig(kConfig, "/tmp");
  REQUIRE(cfg.ok());
  CHECK(cfg->host == "10.0.0.1");
  CHECK(cfg->port == 6443);
  CHECK(cfg->ca_pem == "CA-PEM");
  CHECK(cfg->token == "secret-token");
  CHECK(cfg->ns == "shop");
  CHECK(*cfg->BearerToken() == "secret-token");
}

TEST_CASE("kubeconfig refuses insecure-skip-tls-verify unless forced", "[unit]") {
  auto refused = ParseKubeconfig(kConfig, "/tmp", {.context = "risky"});
  CHECK(refused.status().code() == absl::StatusCode::kPermissionDenied);
  auto forced = ParseKubeconfig(kConfig, "/tmp", {.context = "risky", .allow_insecure = true});
  REQUIRE(forced.ok());
  CHECK(forced->insecure_skip_verify);
  CHECK(forced->host == "fd00::1");
  CHECK(forced->port == 443);
}

TEST_CASE("kubeconfig refuses exec plugins and unknown contexts", "[unit]") {
  CHECK(ParseKubeconfig(kConfig, "/tmp", {.context = "exec"}).status().code() ==
        absl::StatusCode::kUnimplemented);
  CHECK(ParseKubeconfig(kConfig, "/tmp", {.context = "nope"}).status().code() ==
        absl::StatusCode::kNotFound);
  CHECK_FALSE(ParseKubeconfig("a: [", "/tmp").ok());
}

TEST_CASE("in-cluster token is re-read after rotation", "[unit]") {
  testing::TempDir dir;
  REQUIRE(WriteFile(dir.Path("token"), "first\n").ok());
  REQUIRE(WriteFile(dir.Path("ca.crt"), "CA").ok());
  REQUIRE(WriteFile(dir.Path("namespace"), "c8s-system").ok());
  setenv("KUBERNETES_SERVICE_HOST", "10.96.0.1", 1);
  setenv("KUBERNETES_SERVICE_PORT", "443", 1);
  auto cfg = InClusterConfig(dir.path());
  REQUIRE(cfg.ok());
  CHECK(cfg->ns == "c8s-system");
  CHECK(*cfg->BearerToken() == "first");
  REQUIRE(WriteFile(dir.Path("token"), "second").ok());
  CHECK(*cfg->BearerToken() == "second");
}

TEST_CASE("LoadConfig: flag, then $KUBECONFIG, then in-cluster, then ~/.kube", "[unit]") {
  testing::TempDir dir;
  REQUIRE(WriteFile(dir.Path("kc"), kConfig).ok());
  REQUIRE(WriteFile(dir.Path("token"), "sa-token").ok());
  REQUIRE(WriteFile(dir.Path("ca.crt"), "CA").ok());
  unsetenv("KUBECONFIG");
  setenv("KUBERNETES_SERVICE_HOST", "10.96.0.1", 1);
  setenv("KUBERNETES_SERVICE_PORT", "443", 1);
  CHECK(LoadConfig(dir.Path("kc"), {}, dir.path())->token == "secret-token");
  CHECK(*LoadConfig("", {}, dir.path())->BearerToken() == "sa-token");
  setenv("KUBECONFIG", (dir.Path("kc") + ":/elsewhere").c_str(), 1);
  CHECK(LoadConfig("", {}, dir.path())->host == "10.0.0.1");
  setenv("KUBECONFIG", dir.Path("missing").c_str(), 1);
  absl::Status missing = LoadConfig("", {}, dir.path()).status();
  CHECK(std::string(missing.message()).find("$KUBECONFIG") != std::string::npos);
  unsetenv("KUBECONFIG");
  unsetenv("KUBERNETES_SERVICE_HOST");
  setenv("HOME", dir.path().c_str(), 1);
  CHECK_FALSE(LoadConfig("", {}, dir.path()).ok());  // no ~/.kube/config there
}

TEST_CASE("yaml typing follows the core schema", "[unit]") {
  auto docs = YamlToJson("a: 1\nb: '1'\nc: true\nd: ~\ne: 1.5\nf: text\n---\n---\n- x\n");
  REQUIRE(docs.ok());
  REQUIRE(docs->size() == 2);
  const nlohmann::json& d = (*docs)[0];
  CHECK(d["a"] == 1);
  CHECK(d["b"] == "1");
  CHECK(d["c"] == true);
  CHECK(d["d"].is_null());
  CHECK(d["e"] == 1.5);
  CHECK(d["f"] == "text");
  CHECK(!YamlToJson("a: [1, 2").ok());
}

}  // namespace
}  // namespace c8s::kube
