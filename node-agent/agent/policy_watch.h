// The Policy.Watch consumer: streams signed bundles from the CDS over mTLS with the node
// certificate and offers each to the PolicyStore (which verifies it, refuses rollbacks and
// persists it); reconnects with backoff. A refused bundle is logged and counted, and the
// enforced policy stays.
//
//   PolicyWatch watch(cds, &node, &store, &metrics);
//   std::thread t([&] { watch.Run(&stop); });  ...  watch.Cancel();
#pragma once

#include "lib/base/backoff.h"
#include "lib/base/metrics.h"
#include "node-agent/agent/cds_client.h"
#include "node-agent/agent/node_identity.h"
#include "node-agent/agent/policy_store.h"

namespace c8s::agent {

class PolicyWatch {
 public:
  PolicyWatch(CdsClient* cds, const NodeIdentity* node, PolicyStore* store, Metrics* metrics,
              BackoffOptions backoff = {absl::Milliseconds(500), absl::Seconds(30), 2.0, 0.2})
      : cds_(cds), node_(node), store_(store), metrics_(metrics), backoff_(backoff) {}

  void Run(StopFlag* stop);
  void Cancel() { cancel_.Cancel(); }
  // Offers one signed bundle (what each stream message does).
  void OnBundle(const std::string& signed_json);

 private:
  CdsClient* cds_;
  const NodeIdentity* node_;
  PolicyStore* store_;
  Metrics* metrics_;
  BackoffOptions backoff_;
  WatchCancel cancel_;
  bool received_ = false;
};

}  // namespace c8s::agent
