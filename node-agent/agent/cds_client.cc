#include "node-agent/agent/cds_client.h"

namespace c8s::agent {

// The callback runs under the lock, so that Reset() returns only once no callback can touch
// the (soon destroyed) call it cancels.
void WatchCancel::Cancel() {
  std::lock_guard lock(mu_);
  cancelled_ = true;
  if (on_cancel_) on_cancel_();
}

void WatchCancel::OnCancel(std::function<void()> on_cancel) {
  std::lock_guard lock(mu_);
  on_cancel_ = std::move(on_cancel);
  if (cancelled_ && on_cancel_) on_cancel_();
}

void WatchCancel::Reset() {
  std::lock_guard lock(mu_);
  on_cancel_ = nullptr;
}

}  // namespace c8s::agent
