// A de-duplicating work queue for reconcilers, as client-go's rate-limited queue: a key is
// queued at most once; a key re-added while being processed is queued again when Done();
// AddRateLimited delays a failing key by per-key exponential backoff (5 ms doubling up to
// 1000 s by default) and never faster than an overall token bucket (10 qps, burst 100).
//
//   WorkQueue q;
//   q.Add("shop/api");
//   while (auto key = q.Get()) {
//     if (Reconcile(*key).ok()) q.Forget(*key); else q.AddRateLimited(*key);
//     q.Done(*key);
//   }
#pragma once

#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>

#include "absl/time/time.h"

namespace c8s::kube {

struct WorkQueueOptions {
  absl::Duration base_delay = absl::Milliseconds(5);
  absl::Duration max_delay = absl::Seconds(1000);
  double qps = 10;
  int burst = 100;
};

class WorkQueue {
 public:
  explicit WorkQueue(WorkQueueOptions options = {});

  void Add(const std::string& key);
  void AddAfter(const std::string& key, absl::Duration delay);
  void AddRateLimited(const std::string& key);
  // Clears the key's failure count (after a successful reconcile).
  void Forget(const std::string& key);
  int NumRequeues(const std::string& key) const;
  // The delay AddRateLimited would use now, and records the failure: max(per-key, bucket).
  absl::Duration NextDelay(const std::string& key);

  // Blocks until a key is ready; nullopt once ShutDown() was called and nothing is left.
  std::optional<std::string> Get();
  void Done(const std::string& key);
  void ShutDown();
  size_t Len() const;

 private:
  void AddLocked(const std::string& key);
  void PromoteReadyLocked(absl::Time now);

  WorkQueueOptions options_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::string> queue_;
  std::set<std::string> dirty_, processing_;
  std::multimap<absl::Time, std::string> waiting_;
  std::map<std::string, int> failures_;
  double tokens_;
  absl::Time last_refill_;
  bool shutting_down_ = false;
};

}  // namespace c8s::kube
