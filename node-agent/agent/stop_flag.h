// A stop request that loops wait on: WaitFor() sleeps until the timeout or Stop().
//
//   while (!stop.WaitFor(absl::Seconds(1))) Tick();
#pragma once

#include <condition_variable>
#include <mutex>

#include "absl/time/time.h"

namespace c8s::agent {

class StopFlag {
 public:
  void Stop() {
    std::lock_guard lock(mu_);
    stopped_ = true;
    cv_.notify_all();
  }
  bool stopped() const {
    std::lock_guard lock(mu_);
    return stopped_;
  }
  // True when stopped (now or during the wait).
  bool WaitFor(absl::Duration d) {
    std::unique_lock lock(mu_);
    if (d > absl::ZeroDuration()) {
      cv_.wait_for(lock, absl::ToChronoMilliseconds(d), [this] { return stopped_; });
    }
    return stopped_;
  }

 private:
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool stopped_ = false;
};

}  // namespace c8s::agent
