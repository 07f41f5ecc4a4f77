// The agent's HTTP endpoints (STYLE.md "Logs and metrics"): /metrics (Prometheus text),
// /healthz (the process serves), /readyz (a node certificate is held and a policy is enforced:
// a verified bundle, or the bootstrap allow-list while none is verified), /alerts (the
// task-event detector's recent alerts as JSON).
//
//   ASSIGN_OR_RETURN(auto http, AgentHttpServer::Start("127.0.0.1:9464", handlers));
//   int port = http->port();
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"

namespace c8s::agent {

struct AgentHttpHandlers {
  std::function<std::string()> metrics;
  std::function<std::string()> ready;  // empty: ready; else why not
  std::function<std::string()> alerts_json;
};

class AgentHttpServer {
 public:
  // "host:port"; port 0 picks one (port() says which).
  static absl::StatusOr<std::unique_ptr<AgentHttpServer>> Start(const std::string& listen,
                                                                AgentHttpHandlers handlers);
  virtual ~AgentHttpServer() = default;
  virtual int port() const = 0;
  virtual void Stop() = 0;
};

}  // namespace c8s::agent
