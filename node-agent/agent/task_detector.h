// A detector behind the gate (not a gate): containerd's task events are checked against the
// admission records, and a container that runs without one (the hook was bypassed or removed,
// or a runtime without the hook was used) is a metric, an error log line and an alert. Exec
// sessions into containers (kubectl exec, which bypasses NRI and OCI hooks) are alerts too.
//
//   TaskDetector detector(&admissions, &gate, &metrics, "k8s.io");
//   detector.OnEvent({.ns = "k8s.io", .topic = "/tasks/start", .container_id = id, .pid = 42});
//   for (const Alert& a : detector.Alerts()) ...
#pragma once

#include <deque>
#include <mutex>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "lib/base/metrics.h"
#include "node-agent/admission/admission_store.h"
#include "node-agent/agent/hook_gate.h"

namespace c8s::agent {

struct TaskEvent {
  std::string ns;
  std::string topic;  // "/tasks/start", "/tasks/exec-started", "/containers/delete", ...
  std::string container_id;
  std::string exec_id;
  uint32_t pid = 0;
  absl::Time at;
};

struct Alert {
  absl::Time at;
  std::string kind;  // "unadmitted-container", "exec"
  std::string container_id;
  uint32_t pid = 0;
  std::string message;
};

class TaskDetector {
 public:
  TaskDetector(const admission::AdmissionStore* admissions, HookGate* gate, Metrics* metrics,
               std::string ns, size_t max_alerts = 256)
      : admissions_(admissions),
        gate_(gate),
        metrics_(metrics),
        ns_(std::move(ns)),
        max_alerts_(max_alerts) {}

  void OnEvent(const TaskEvent& event);
  std::vector<Alert> Alerts() const;  // newest last, at most max_alerts
  int64_t alerts_total() const;

 private:
  void Raise(Alert alert);

  const admission::AdmissionStore* admissions_;
  HookGate* gate_;
  Metrics* metrics_;
  std::string ns_;
  size_t max_alerts_;
  mutable std::mutex mu_;
  std::deque<Alert> alerts_;
  int64_t total_ = 0;
};

}  // namespace c8s::agent
