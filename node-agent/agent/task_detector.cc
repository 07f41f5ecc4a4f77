#include "node-agent/agent/task_detector.h"

#include "lib/base/clock.h"
#include "lib/base/log.h"
#include "lib/base/strings.h"

namespace c8s::agent {

void TaskDetector::OnEvent(const TaskEvent& e) {
  if (e.ns != ns_) return;
  metrics_->Inc("c8s_agent_task_events_total", {{"topic", e.topic}});
  if (e.topic == "/containers/delete") {
    gate_->ForgetSandbox(e.container_id);
    return;
  }
  if (e.topic == "/tasks/start") {
    if (admissions_->Lookup(e.container_id) || gate_->IsAllowedSandbox(e.container_id)) return;
    Raise({e.at, "unadmitted-container", e.container_id, e.pid,
           StrCat("container ", e.container_id, " (pid ", e.pid,
                  ") is running without an admission record")});
    return;
  }
  if (e.topic == "/tasks/exec-started") {
    std::optional<admission::Admission> a = admissions_->Lookup(e.container_id);
    std::string who =
        a ? StrCat(" of pod ", a->pod_namespace, "/", a->pod_name, " (identity ", a->identity, ")")
          : "";
    Raise({e.at, "exec", e.container_id, e.pid,
           StrCat("exec session ", e.exec_id, " (pid ", e.pid, ") started in container ",
                  e.container_id, who, "; exec is not gated by NRI or the OCI hook")});
  }
}

void TaskDetector::Raise(Alert alert) {
  metrics_->Inc("c8s_agent_alerts_total", {{"kind", alert.kind}});
  log::Error("ALERT", {{"kind", alert.kind},
                       {"container", alert.container_id},
                       {"pid", alert.pid},
                       {"message", alert.message}});
  std::lock_guard lock(mu_);
  ++total_;
  alerts_.push_back(std::move(alert));
  while (alerts_.size() > max_alerts_) alerts_.pop_front();
}

std::vector<Alert> TaskDetector::Alerts() const {
  std::lock_guard lock(mu_);
  return {alerts_.begin(), alerts_.end()};
}

int64_t TaskDetector::alerts_total() const {
  std::lock_guard lock(mu_);
  return total_;
}

}  // namespace c8s::agent
