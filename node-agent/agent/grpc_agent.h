// The whole node agent (`c8s-node-agent run --config FILE`): policy store (persisted bundle
// enforced at once), hook gate socket, trust anchor, node identity with renewal, Policy.Watch,
// workload certificates, the pod-facing API, the containerd task-event detector, the eBPF feed
// and the HTTP endpoints. Every part runs on its own thread; Stop() ends them all.
//
//   ASSIGN_OR_RETURN(std::unique_ptr<Agent> agent, Agent::Start(config));
//   shutdown.Wait();
//   agent->Stop();
#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "node-agent/agent/config.h"
#include "node-agent/agent/policy_store.h"

namespace c8s::agent {

class Agent {
 public:
  static absl::StatusOr<std::unique_ptr<Agent>> Start(AgentConfig config);
  virtual ~Agent() = default;
  virtual void Stop() = 0;

  virtual std::string MetricsText() const = 0;
  // Empty when ready, else why not.
  virtual std::string NotReadyReason() const = 0;
  virtual int http_port() const = 0;
  virtual PolicyStore& policy() = 0;
  virtual admission::AdmissionStore& admissions() = 0;
};

}  // namespace c8s::agent
