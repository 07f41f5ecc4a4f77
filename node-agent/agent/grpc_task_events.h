// containerd's events API (containerd.services.events.v1.Events/Subscribe on containerd's gRPC
// socket) feeding the TaskDetector, with reconnect and backoff; a gap in the stream is logged
// (events in it are not replayed by containerd).
//
//   TaskEventWatcher w({.address = "/run/containerd/containerd.sock"}, [&](const TaskEvent& e) {
//     detector.OnEvent(e);
//   });
//   std::thread t([&] { w.Run(&stop); });  ...  w.Cancel();
#pragma once

#include <functional>
#include <string>

#include "absl/status/status.h"
#include "node-agent/agent/stop_flag.h"
#include "node-agent/agent/task_detector.h"

namespace c8s::agent {

struct TaskEventWatcherOptions {
  std::string address = "/run/containerd/containerd.sock";  // unix socket path
  std::string ns = "k8s.io";
};

class WatchCancel;

class TaskEventWatcher {
 public:
  TaskEventWatcher(TaskEventWatcherOptions options, std::function<void(const TaskEvent&)> sink);
  ~TaskEventWatcher();
  // Subscribes until `stop` (reconnecting with backoff); Cancel() ends the stream in flight.
  void Run(StopFlag* stop);
  void Cancel();
  // One subscription, until it ends; for tests.
  absl::Status SubscribeOnce();
  bool connected() const;

 private:
  TaskEventWatcherOptions options_;
  std::function<void(const TaskEvent&)> sink_;
  std::unique_ptr<WatchCancel> cancel_;
  std::atomic<bool> connected_{false};
};

}  // namespace c8s::agent
