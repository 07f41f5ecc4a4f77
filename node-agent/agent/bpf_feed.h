// Hosts the eBPF data plane (node-agent/ebpf Supervisor) in the agent: started with the
// bootstrap infrastructure policy of the agent's configuration (so the CDS, the API server and
// DNS are reachable before the first verified bundle), then every newly enforced bundle is
// applied (an atomic map switch). Without C8S_WITH_BPF, Start() refuses a configuration that
// enables it.
//
//   ASSIGN_OR_RETURN(auto feed, BpfFeed::Start(config.bpf, config.node_name, config.cds.address));
//   store.AddListener([&](const EnforcedPolicy& p) { feed->Apply(p); });
//   body += feed->MetricsText();
#pragma once

#include <atomic>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "node-agent/agent/config.h"
#include "node-agent/agent/policy_store.h"

namespace c8s::agent {

// The bootstrap infrastructure the data plane admits before the first bundle: the configured
// one, plus the CDS address the agent itself must reach (when it is an ip:port and missing).
manifest::BundleInfrastructure BootstrapInfrastructure(const BpfConfig& config,
                                                       const std::string& cds_address);

class BpfFeed {
 public:
  static absl::StatusOr<std::unique_ptr<BpfFeed>> Start(const BpfConfig& config,
                                                        const std::string& node_name,
                                                        const std::string& cds_address);
  ~BpfFeed();
  // Logs (and counts in `applied()`/`failed()`) instead of failing: the enforced bundle stays
  // enforced by NRI and the hook gate even when the data plane cannot take it.
  void Apply(const EnforcedPolicy& policy);
  // The data plane's own metrics (c8s_bpf_*), Prometheus text.
  std::string MetricsText() const;
  // Ends the supervisor's thread; programs stay attached and pinned (fail closed).
  void Stop();
  int64_t applied() const { return applied_; }
  int64_t failed() const { return failed_; }
  int64_t generation() const { return generation_; }

  class Plane;  // the supervisor, or nothing without C8S_WITH_BPF

 private:
  explicit BpfFeed(std::unique_ptr<Plane> plane);
  std::unique_ptr<Plane> plane_;
  std::atomic<int64_t> applied_{0}, failed_{0}, generation_{0};
};

}  // namespace c8s::agent
