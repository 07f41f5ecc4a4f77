// c8s-operator as a library: campaigns for the coordination.k8s.io Lease (or leads at once
// without leader election), runs the controllers (controllers.h) while it leads, and serves
// /metrics, /healthz and /readyz. The operator is never trusted for confidentiality: it holds
// no keys, and all it can do at the CDS is propose (cds_client.h).
//
//   Operator op(client.get(), cds.get(), options);
//   RETURN_IF_ERROR(op.StartHttp("0.0.0.0:8080"));
//   op.Run(&stop);   // returns after `stop` became true, the lease released
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "lib/base/metrics.h"
#include "lib/kube/client.h"
#include "lib/kube/leader.h"
#include "operator/cds_client.h"
#include "operator/controllers.h"

namespace httplib {
class Server;
}

namespace c8s::op {

struct OperatorOptions {
  bool leader_elect = true;
  kube::LeaderElectionConfig lease = {};  // ns, name, identity (defaults filled by the daemon)
  ControllersOptions controllers = {};
};

class Operator {
 public:
  Operator(kube::Client* client, CdsClient* cds, OperatorOptions options);
  ~Operator();

  // "host:port" (port 0: any); http_port() tells which one.
  absl::Status StartHttp(const std::string& listen);
  int http_port() const { return http_port_; }
  void Run(const std::atomic<bool>* stop);

  bool leading() const { return leading_.load(); }
  // Ready to serve: a standby always is; the leader once its caches have synced.
  bool ready() const;
  std::string MetricsText() const;
  Metrics& metrics() { return metrics_; }
  // Over every term led so far (bench, tests).
  int64_t proposals() const;
  int64_t cds_calls() const;
  std::vector<double> ReconcileLatenciesMs() const;

 private:
  void StartLeading();
  void StopLeading();

  kube::Client* client_;
  CdsClient* cds_;
  OperatorOptions options_;
  Metrics metrics_;
  std::atomic<bool> leading_{false};
  mutable std::mutex mu_;  // guards controllers_ and the totals of finished terms
  std::unique_ptr<Controllers> controllers_;
  int64_t past_proposals_ = 0, past_cds_calls_ = 0;
  std::vector<double> past_latencies_;
  std::unique_ptr<httplib::Server> http_;
  std::thread http_thread_;
  int http_port_ = 0;
};

}  // namespace c8s::op
