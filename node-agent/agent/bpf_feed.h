// Feeds the eBPF data plane (node-agent/ebpf) from the enforced policy: installs (or re-adopts)
// the programs at start and compiles every newly enforced bundle into the policy maps (an
// atomic slot switch). Without C8S_WITH_BPF, Start() refuses a configuration that enables it.
//
//   ASSIGN_OR_RETURN(auto feed, BpfFeed::Start(config.bpf, config.node_name));
//   store.AddListener([&](const EnforcedPolicy& p) { feed->Apply(p); });
#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "node-agent/agent/config.h"
#include "node-agent/agent/policy_store.h"

namespace c8s::agent {

class BpfFeed {
 public:
  static absl::StatusOr<std::unique_ptr<BpfFeed>> Start(const BpfConfig& config,
                                                        const std::string& node_name);
  // Logs (and counts in `applied()`/`failed()`) instead of failing: the enforced bundle stays
  // enforced by NRI and the hook gate even when the data plane cannot take it.
  void Apply(const EnforcedPolicy& policy);
  int64_t applied() const { return applied_; }
  int64_t failed() const { return failed_; }
  int64_t generation() const { return generation_; }

 private:
  BpfFeed(BpfConfig config, std::string node_name)
      : config_(std::move(config)), node_name_(std::move(node_name)) {}
  BpfConfig config_;
  std::string node_name_;
  std::atomic<int64_t> applied_{0}, failed_{0}, generation_{0};
};

}  // namespace c8s::agent
