// The status reconciler (keys: StatusKey(kind, ref)): gather the object from its cache and its
// status input from SharedState -> DesiredStatus (status.h, pure) -> write the status
// subresource only when it changed, conditional on the cached resourceVersion (a 409 from a
// concurrent writer is retried with backoff once the cache has caught up). An object whose
// current generation is not compiled yet is left alone: the manifest reconciler enqueues it
// again once it is.
//
//   StatusController sc(client, &caches, &state, &metrics);
//   kube::Controller c({.name = "status", .workers = 4}, [&](const std::string& k) {
//     return sc.Reconcile(k); });
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "lib/base/metrics.h"
#include "lib/kube/client.h"
#include "operator/caches.h"
#include "operator/shared_state.h"

namespace c8s::op {

class StatusController {
 public:
  StatusController(kube::Client* client, Caches* caches, const SharedState* state, Metrics* metrics)
      : client_(client), caches_(caches), state_(state), metrics_(metrics) {}

  absl::StatusOr<absl::Duration> Reconcile(const std::string& key);

 private:
  kube::Client* client_;
  Caches* caches_;
  const SharedState* state_;
  Metrics* metrics_;
};

}  // namespace c8s::op
