#include "node-agent/agent/policy_watch.h"

#include "lib/base/log.h"
#include "lib/base/strings.h"

namespace c8s::agent {

void PolicyWatch::OnBundle(const std::string& signed_json) {
  received_ = true;
  absl::StatusOr<bool> changed = store_->Offer(signed_json);
  if (!changed.ok()) {
    metrics_->Inc("c8s_agent_policy_bundles_total", {{"result", "refused"}});
    log::Error("policy bundle refused", {{"reason", StatusText(changed.status())},
                                         {"enforced_generation", store_->generation()}});
    return;
  }
  metrics_->Inc("c8s_agent_policy_bundles_total",
                {{"result", *changed ? "enforced" : "unchanged"}});
}

void PolicyWatch::Run(StopFlag* stop) {
  Backoff backoff(backoff_);
  while (!stop->stopped()) {
    std::optional<crypto::TlsIdentity> node = node_->Current();
    if (!node) {
      if (stop->WaitFor(absl::Milliseconds(200))) return;
      continue;
    }
    received_ = false;
    absl::Status st = cds_->WatchPolicy(
        *node, static_cast<uint64_t>(store_->generation()),
        [this](std::string json) { OnBundle(json); }, &cancel_);
    if (stop->stopped()) return;
    if (received_) backoff.Reset();
    absl::Duration retry = backoff.Next();
    log::Warn("policy stream ended", {{"reason", StatusText(st)},
                                      {"enforced_generation", store_->generation()},
                                      {"retry_in_ms", absl::ToInt64Milliseconds(retry)}});
    if (stop->WaitFor(retry)) return;
  }
}

}  // namespace c8s::agent
