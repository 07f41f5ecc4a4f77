// Leader election over a coordination.k8s.io/v1 Lease, as client-go does it: the holder
// renews spec.renewTime every retry period; another candidate takes over only once
// renewTime + leaseDurationSeconds has passed, and every write is conditional on the
// Lease's resourceVersion, so two candidates can never both win.
//
//   LeaderElector le(client.get(), {.ns = "c8s-system", .name = "c8s-operator", .identity = pod});
//   le.Run(&stop, [] { StartControllers(); }, [] { StopControllers(); });
#pragma once

#include <atomic>
#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "lib/kube/client.h"

namespace c8s::kube {

struct LeaderElectionConfig {
  std::string ns = {};
  std::string name = {};
  std::string identity = {};
  absl::Duration lease_duration = absl::Seconds(15);
  absl::Duration renew_deadline = absl::Seconds(10);
  absl::Duration retry_period = absl::Seconds(2);
};

class LeaderElector {
 public:
  LeaderElector(Client* client, LeaderElectionConfig config);

  // One attempt: true when this candidate holds the lease afterwards.
  absl::StatusOr<bool> TryAcquireOrRenew();
  // Gives the lease up (holder cleared) if held, so a successor need not wait for expiry.
  absl::Status Release();
  // Campaigns until `stop`; calls `on_started` on winning and `on_stopped` on losing the lease
  // (a renewal failing for longer than renew_deadline) or stopping while leader; in the latter
  // case the lease is released after on_stopped returned.
  void Run(const std::atomic<bool>* stop, const std::function<void()>& on_started,
           const std::function<void()>& on_stopped);
  bool is_leader() const { return leader_.load(); }

 private:
  Client* client_;
  LeaderElectionConfig config_;
  std::atomic<bool> leader_{false};
  absl::Time last_renew_;
};

extern const Resource kLeases;
// metav1.MicroTime: RFC 3339 with microseconds, UTC.
std::string MicroTime(absl::Time t);

}  // namespace c8s::kube
