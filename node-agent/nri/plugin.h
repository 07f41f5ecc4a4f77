// The c8s image-policy NRI plugin on one connection to containerd (nri-protocol.md §3.4, §5):
// registers on conn 2, answers Configure (possibly before the RegisterPlugin reply), echoes
// Synchronize's `more` (re-admitting the containers already running), decides CreateContainer
// through admission::Decider and records every admitted container in the AdmissionStore, and
// forgets it again on StopContainer / RemoveContainer.
//
//   PluginConnection conn(std::move(fd), decider, store, {.name = "c8s", .index = "05"});
//   absl::Status why = conn.Run();   // returns when containerd goes away or Close() is called
#pragma once

#include <atomic>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "lib/base/fd.h"
#include "lib/ttrpc/client.h"
#include "lib/ttrpc/server.h"
#include "lib/ttrpc/session.h"
#include "node-agent/admission/admission_store.h"
#include "node-agent/admission/decision.h"
#include "node-agent/nri/api.h"

namespace c8s::nri {

struct PluginOptions {
  std::string name = "c8s-image-policy";  // RegisterPlugin name (pre-launched: the file's)
  std::string index = "05";  // low: vet images before plugins that adjust containers run
  absl::Duration registration_timeout = absl::Seconds(5);
  // Synchronize re-admits running containers; past this much time it stops (containerd gives
  // the whole synchronization 2 s) and logs what it left out.
  absl::Duration sync_budget = absl::Seconds(1);
  std::string mode = "external";  // for logs: "pre-launched" or "external"
  int32_t events = 0;             // subscription mask; 0 = kSubscribedEvents (never sent as 0)
};

// Events the plugin subscribes to: CreateContainer to decide, StopContainer and RemoveContainer
// to drop admission records (0x608).
inline constexpr int32_t kSubscribedEvents = EventMask(Event::kCreateContainer) |
                                             EventMask(Event::kStopContainer) |
                                             EventMask(Event::kRemoveContainer);

class PluginConnection {
 public:
  PluginConnection(UniqueFd fd, admission::Decider& decider, admission::AdmissionStore& store,
                   PluginOptions options);
  ~PluginConnection();

  // Registers and serves until the connection ends; the status says why (a refused
  // registration, containerd closing the socket, Close()).
  absl::Status Run();
  // From another thread: ends Run().
  void Close();
  // True once containerd has configured the plugin.
  bool configured() const { return configured_.load(); }
  uint64_t admitted() const { return admitted_.load(); }
  uint64_t refused() const { return refused_.load(); }

 private:
  void RegisterHandlers();
  absl::StatusOr<std::string> OnConfigure(const ttrpc::Request& r);
  absl::StatusOr<std::string> OnSynchronize(const ttrpc::Request& r);
  absl::StatusOr<std::string> OnCreateContainer(const ttrpc::Request& r);
  absl::StatusOr<std::string> OnStopContainer(const ttrpc::Request& r);
  absl::StatusOr<std::string> OnStateChange(const ttrpc::Request& r);

  admission::Decider& decider_;
  admission::AdmissionStore& store_;
  PluginOptions options_;
  ttrpc::Session session_;
  ttrpc::Server server_;
  ttrpc::Client client_;
  std::atomic<bool> configured_{false};
  std::atomic<uint64_t> admitted_{0}, refused_{0};
};

// The decider's view of an NRI container.
admission::ContainerRequest ToContainerRequest(PodSandbox pod, Container container);

}  // namespace c8s::nri
