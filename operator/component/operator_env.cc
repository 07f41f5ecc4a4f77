#include "operator/component/operator_env.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch_test_macros.hpp>

#include "absl/time/clock.h"
#include "lib/base/child_process.h"
#include "lib/base/fd.h"
#include "lib/kube/errors.h"
#include "lib/kube/json_util.h"
#include "lib/kube/yaml.h"
#include "operator/resources.h"

namespace c8s::op::testing {

using nlohmann::json;

OperatorOptions TestOperatorOptions(const std::string& identity) {
  OperatorOptions o;
  o.leader_elect = true;
  o.lease = {.ns = "default",
             .name = "c8s-operator",
             .identity = identity,
             .lease_duration = absl::Seconds(4),
             .renew_deadline = absl::Seconds(3),
             .retry_period = absl::Milliseconds(200)};
  o.controllers.manifest.settle = absl::Milliseconds(100);
  o.controllers.manifest.max_settle = absl::Seconds(1);
  o.controllers.manifest.poll_interval = absl::Milliseconds(200);
  o.controllers.manifest.resync_interval = absl::Seconds(2);
  o.controllers.manifest.cds_backoff = {absl::Milliseconds(100), absl::Seconds(2), 2.0, 0.2};
  o.controllers.max_retry_delay = absl::Seconds(2);
  o.controllers.identity = identity;
  return o;
}

OperatorEnv::OperatorEnv(EnvOptions options)
    : owner(*crypto::PrivateKey::Generate(crypto::KeyType::kP256)) {
  kubelocal::ClusterOptions co;
  co.state_dir = dir.Path("kube");
  co.crd_paths = {c8s::testing::SourcePath("crds")};
  co.history = options.history;
  co.bookmark_interval = absl::Milliseconds(200);
  cluster = std::make_unique<kubelocal::LocalCluster>(co);
  REQUIRE(cluster->Start().ok());
  auto cfg = kube::LoadKubeconfig(cluster->kubeconfig_path());
  REQUIRE(cfg.ok());
  auto c = kube::Client::Create(*cfg);
  REQUIRE(c.ok());
  client = std::move(*c);
  if (options.start_cds) {
    cds = std::make_unique<CdsProcess>(dir.Path("cds"));
    cds_ca_path = dir.Path("cds-ca.pem");
    REQUIRE(WriteFile(cds_ca_path, cds->CaPem()).ok());
  }
}

OperatorEnv::~OperatorEnv() {
  for (pid_t pid : children_) {
    kill(pid, SIGKILL);
    int status = 0;
    waitpid(pid, &status, 0);
  }
  StopOperator();
  client.reset();
  cluster->Stop();
}

json OperatorEnv::Sample(const std::string& relative_path) const {
  auto text = ReadFile(c8s::testing::SourcePath(relative_path));
  REQUIRE(text.ok());
  auto docs = kube::YamlToJson(*text);
  REQUIRE(docs.ok());
  REQUIRE(!docs->empty());
  return (*docs)[0];
}

void OperatorEnv::ApplySamples() {
  const kube::Resource namespaces{"", "v1", "namespaces", false};
  for (const char* ns : {"shop", "c8s-system"}) {
    REQUIRE(
        client
            ->Create(namespaces, "",
                     {{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", ns}}}})
            .ok());
  }
  json cluster_obj = Sample("crds/samples/10-confidentialcluster.yaml");
  cluster_obj["spec"]["owners"] = {
      {{"name", "alice"}, {"publicKey", owner.GetPublicKey().ToPem()}}};
  REQUIRE(client->Create(kClusters, "", cluster_obj).ok());
  REQUIRE(client->Create(kPolicies, "", Sample("crds/samples/20-attestationpolicy.yaml")).ok());
  for (const char* f : {"30-workloadidentity.yaml", "31-workloadidentity-web.yaml"}) {
    REQUIRE(client->Create(kIdentities, "shop", Sample(std::string("crds/samples/") + f)).ok());
  }
  REQUIRE(
      client->Create(kSecretReleases, "shop", Sample("crds/samples/40-secretrelease.yaml")).ok());
  REQUIRE(
      client->Create(kIngresses, "shop", Sample("crds/samples/50-confidentialingress.yaml")).ok());
}

void OperatorEnv::StartOperator(OperatorOptions options) {
  REQUIRE(op_ == nullptr);
  if (cds_client_ == nullptr) {
    auto ca = ReadFile(cds_ca_path);
    REQUIRE(ca.ok());
    std::string target = cds ? cds->address() : "127.0.0.1:1";
    auto c = GrpcCdsClient::Create({.target = target, .ca_pem = *ca, .deadline = absl::Seconds(2)});
    REQUIRE(c.ok());
    cds_client_ = std::move(*c);
  }
  op_stop_ = false;
  op_ = std::make_unique<Operator>(client.get(), cds_client_.get(), std::move(options));
  op_thread_ = std::thread([this] { op_->Run(&op_stop_); });
}

void OperatorEnv::StopOperator() {
  if (op_ == nullptr) return;
  op_stop_ = true;
  if (op_thread_.joinable()) op_thread_.join();
  op_.reset();
}

pid_t OperatorEnv::StartOperatorProcess(const std::vector<std::string>& extra) {
  std::string bin = c8s::testing::BinaryPath("bin/c8s-operator");
  std::vector<std::string> args = {bin,
                                   "--kubeconfig",
                                   cluster->kubeconfig_path(),
                                   "--cds-address",
                                   cds->address(),
                                   "--cds-ca",
                                   cds_ca_path,
                                   "--http-address",
                                   "127.0.0.1:0",
                                   "--http-port-file",
                                   dir.Path("operator-port"),
                                   "--leader-election-namespace",
                                   "default",
                                   "--settle-ms",
                                   "100",
                                   "--cds-poll-ms",
                                   "200",
                                   "--retry-period-ms",
                                   "200",
                                   "--log-level",
                                   "info"};
  args.insert(args.end(), extra.begin(), extra.end());
  ChildOptions never_outlive_the_test;  // it holds our stdout
  never_outlive_the_test.die_with_parent = true;
  absl::StatusOr<pid_t> spawned = SpawnChild(std::move(args), never_outlive_the_test);
  REQUIRE(spawned.ok());
  pid_t pid = *spawned;
  children_.push_back(pid);
  return pid;
}

int OperatorEnv::StopOperatorProcess(pid_t pid, absl::Duration timeout) {
  children_.erase(std::remove(children_.begin(), children_.end(), pid), children_.end());
  kill(pid, SIGTERM);
  absl::Time end = absl::Now() + timeout;
  int status = 0;
  while (absl::Now() < end) {
    if (waitpid(pid, &status, WNOHANG) == pid) {
      return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    absl::SleepFor(absl::Milliseconds(20));
  }
  kill(pid, SIGKILL);
  waitpid(pid, &status, 0);
  return -1;
}

std::optional<json> OperatorEnv::Get(const kube::Resource& r, const std::string& ns,
                                     const std::string& name) {
  absl::StatusOr<json> obj = client->Get(r, ns, name);
  if (!obj.ok()) return std::nullopt;
  return *obj;
}

std::string OperatorEnv::Phase(const kube::Resource& r, const std::string& ns,
                               const std::string& name) {
  std::optional<json> obj = Get(r, ns, name);
  if (!obj || !obj->contains("status")) return "";
  return kube::GetString((*obj)["status"], "phase");
}

std::string OperatorEnv::ManifestHash(const kube::Resource& r, const std::string& ns,
                                      const std::string& name) {
  std::optional<json> obj = Get(r, ns, name);
  if (!obj || !obj->contains("status")) return "";
  return kube::GetString((*obj)["status"], "manifestHash");
}

bool OperatorEnv::Eventually(const std::function<bool()>& pred, absl::Duration timeout) {
  absl::Time end = absl::Now() + timeout;
  while (absl::Now() < end) {
    if (pred()) return true;
    absl::SleepFor(absl::Milliseconds(25));
  }
  return pred();
}

}  // namespace c8s::op::testing
