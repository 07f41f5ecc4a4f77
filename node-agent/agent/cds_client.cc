#include "node-agent/agent/cds_client.h"

namespace c8s::agent {

void WatchCancel::Cancel() {
  std::function<void()> f;
  {
    std::lock_guard lock(mu_);
    cancelled_ = true;
    f = on_cancel_;
  }
  if (f) f();
}

void WatchCancel::OnCancel(std::function<void()> on_cancel) {
  bool now;
  {
    std::lock_guard lock(mu_);
    on_cancel_ = on_cancel;
    now = cancelled_;
  }
  if (now && on_cancel) on_cancel();
}

void WatchCancel::Reset() {
  std::lock_guard lock(mu_);
  on_cancel_ = nullptr;
}

}  // namespace c8s::agent
