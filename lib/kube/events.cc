#include "lib/kube/events.h"

#include <cstdio>

#include "absl/time/clock.h"
#include "lib/kube/leader.h"

namespace c8s::kube {

const Resource kEvents{"events.k8s.io", "v1", "events", true};

absl::StatusOr<json> EventRecorder::Record(const json& regarding, const std::string& type,
                                           const std::string& reason, const std::string& action,
                                           const std::string& note) {
  if (type != "Normal" && type != "Warning") {
    return absl::InvalidArgumentError("event type must be Normal or Warning");
  }
  const json md = regarding.value("metadata", json::object());
  std::string ns = md.value("namespace", "");
  if (ns.empty()) ns = "default";
  absl::Time now = absl::Now();
  char suffix[24];
  std::snprintf(suffix, sizeof(suffix), "%llx",
                static_cast<unsigned long long>(absl::ToUnixNanos(now)));
  json event = {
      {"apiVersion", "events.k8s.io/v1"},
      {"kind", "Event"},
      {"metadata", {{"name", md.value("name", "object") + "." + suffix}, {"namespace", ns}}},
      {"eventTime", MicroTime(now)},
      {"reportingController", controller_},
      {"reportingInstance", instance_},
      {"action", action},
      {"reason", reason},
      {"type", type},
      {"note", note.substr(0, 1024)},
      {"regarding",
       {{"apiVersion", regarding.value("apiVersion", "")},
        {"kind", regarding.value("kind", "")},
        {"name", md.value("name", "")},
        {"namespace", md.value("namespace", "")},
        {"uid", md.value("uid", "")},
        {"resourceVersion", md.value("resourceVersion", "")}}}};
  return client_->Create(kEvents, ns, event);
}

}  // namespace c8s::kube
