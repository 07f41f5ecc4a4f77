// The agent's end of the hook socket: accepts `c8s-oci-hook` connections (mode 0600, root
// only), reads one request, asks the HookGate and answers. A malformed or late request is
// answered with a refusal when possible; the hook fails closed on anything else.
//
//   ASSIGN_OR_RETURN(auto server, HookServer::Start("/run/c8s/agent/hook.sock", &gate));
//   server->Stop();
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "lib/base/fd.h"
#include "node-agent/agent/hook_gate.h"

namespace c8s::agent {

class HookServer {
 public:
  static absl::StatusOr<std::unique_ptr<HookServer>> Start(const std::string& path, HookGate* gate,
                                                           int workers = 2);
  ~HookServer();
  void Stop();

 private:
  HookServer(HookGate* gate, UniqueFd listener, UniqueFd wake_read, UniqueFd wake_write)
      : gate_(gate),
        listener_(std::move(listener)),
        wake_read_(std::move(wake_read)),
        wake_write_(std::move(wake_write)) {}
  void Serve();
  void Handle(UniqueFd conn);

  HookGate* gate_;
  UniqueFd listener_;
  UniqueFd wake_read_, wake_write_;  // a pipe that interrupts poll() on Stop
  std::atomic<bool> stopping_{false};
  std::vector<std::thread> threads_;
};

}  // namespace c8s::agent
