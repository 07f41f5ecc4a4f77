// A reconciler's run loop over a WorkQueue, as controller-runtime's: workers take keys, call
// the reconcile function and requeue by its answer. One key is never reconciled by two
// workers at once (the queue guarantees it).
//
//   Controller c({.name = "status", .workers = 4}, [&](const std::string& key)
//       -> absl::StatusOr<absl::Duration> { return Reconcile(key); });
//   c.Start();  informer.AddHandlers({.on_add = [&](const json& o) { c.Enqueue(ObjectKey(o)); }});
//
// The answer: OK(0) done; OK(d > 0) done, look again after d; an error is retried with the
// key's exponential backoff, unless it is Permanent() (logged, not retried: the next change
// of the object brings the key back).
#pragma once

#include <atomic>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "lib/kube/workqueue.h"

namespace c8s::kube {

using ReconcileFn = std::function<absl::StatusOr<absl::Duration>(const std::string& key)>;

// Marks an error as "do not retry": retrying cannot help until the input changes.
absl::Status Permanent(absl::Status status);
bool IsPermanent(const absl::Status& status);

struct ControllerOptions {
  std::string name;
  int workers = 1;
  WorkQueueOptions queue = {};
};

class Controller {
 public:
  Controller(ControllerOptions options, ReconcileFn reconcile);
  ~Controller();
  Controller(const Controller&) = delete;
  Controller& operator=(const Controller&) = delete;

  void Enqueue(const std::string& key) { queue_.Add(key); }
  void EnqueueAfter(const std::string& key, absl::Duration d) { queue_.AddAfter(key, d); }
  void Start();
  // Stops taking keys (what is queued is dropped) and waits for running reconciles.
  void Stop();

  // Runs after every reconcile (metrics): the key, how long it took, and its outcome.
  std::function<void(const std::string& key, absl::Duration took, const absl::Status& result)>
      observer;

  const std::string& name() const { return options_.name; }
  WorkQueue& queue() { return queue_; }
  int64_t reconciles() const { return reconciles_.load(); }
  int64_t errors() const { return errors_.load(); }

 private:
  void Work();
  ControllerOptions options_;
  ReconcileFn reconcile_;
  WorkQueue queue_;
  std::atomic<bool> stopping_{false};
  std::atomic<int64_t> reconciles_{0}, errors_{0};
  std::vector<std::thread> workers_;
};

}  // namespace c8s::kube
