// Test-only: everything an operator component test needs, all real: c8s-kube-local in this
// process (so that tests can restart it), a real c8s-cds process, the c8s CRDs and samples
// applied (with the test's own owner key), and the operator library run in a thread of this
// process, or the c8s-operator binary as a child process.
//
//   OperatorEnv env;
//   env.ApplySamples();
//   env.StartOperator();
//   REQUIRE(env.Eventually([&] { return env.Phase(kIdentities, "shop", "api") == "PendingApproval";
//   }));
#pragma once

#include <sys/types.h>

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/time/time.h"
#include "lib/crypto/keys.h"
#include "lib/kube/client.h"
#include "operator/component/cds_process.h"
#include "operator/grpc_cds_client.h"
#include "operator/operator.h"
#include "test/kube-local/local_cluster.h"
#include "test/support/test_env.h"

namespace c8s::op::testing {

struct EnvOptions {
  size_t history = 10000;
  bool start_cds = true;
};

// Fast timings for tests (production defaults are in ManifestOptions/OperatorOptions).
OperatorOptions TestOperatorOptions(const std::string& identity = "op-test");

class OperatorEnv {
 public:
  explicit OperatorEnv(EnvOptions options = {});
  ~OperatorEnv();

  // crds/samples with the ConfidentialCluster's owners replaced by the test's owner key,
  // plus the c8s-system namespace the workloads go to.
  void ApplySamples();
  nlohmann::json Sample(const std::string& relative_path) const;

  // The operator library in a thread of this process, talking to the CDS over gRPC.
  void StartOperator(OperatorOptions options = TestOperatorOptions());
  void StopOperator();
  Operator& op() { return *op_; }

  // The c8s-operator binary; extra flags appended. Returns the child's pid.
  pid_t StartOperatorProcess(const std::vector<std::string>& extra = {});
  // SIGTERM and wait; the exit code (or -1 if it did not exit by itself within `timeout`).
  // Processes still running when the env goes away (a failed REQUIRE) are killed then.
  int StopOperatorProcess(pid_t pid, absl::Duration timeout = absl::Seconds(20));

  std::optional<nlohmann::json> Get(const kube::Resource& r, const std::string& ns,
                                    const std::string& name);
  std::string Phase(const kube::Resource& r, const std::string& ns, const std::string& name);
  std::string ManifestHash(const kube::Resource& r, const std::string& ns, const std::string& name);
  static bool Eventually(const std::function<bool()>& pred,
                         absl::Duration timeout = absl::Seconds(20));

  c8s::testing::TempDir dir;
  std::unique_ptr<kubelocal::LocalCluster> cluster;
  std::unique_ptr<kube::Client> client;
  std::unique_ptr<CdsProcess> cds;
  std::string cds_ca_path;
  crypto::PrivateKey owner;

 private:
  std::unique_ptr<GrpcCdsClient> cds_client_;
  std::unique_ptr<Operator> op_;
  std::thread op_thread_;
  std::atomic<bool> op_stop_{false};
  std::vector<pid_t> children_;  // operator processes still running: killed at the end
};

}  // namespace c8s::op::testing
