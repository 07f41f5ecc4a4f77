// Kubernetes Events (events.k8s.io/v1) about an object, for `kubectl describe` and humans.
//
//   EventRecorder rec(client.get(), "c8s-operator", pod_name);
//   rec.Record(cluster_obj, "Normal", "Proposed", "Propose", "manifest sha256:ab.. proposed");
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "lib/kube/client.h"

namespace c8s::kube {

extern const Resource kEvents;

class EventRecorder {
 public:
  EventRecorder(Client* client, std::string controller, std::string instance)
      : client_(client), controller_(std::move(controller)), instance_(std::move(instance)) {}
  // `type` is Normal or Warning. The event lives in the object's namespace ("default" for
  // cluster-scoped objects) and names it in `regarding`.
  absl::StatusOr<json> Record(const json& regarding, const std::string& type,
                              const std::string& reason, const std::string& action,
                              const std::string& note);

 private:
  Client* client_;
  std::string controller_;
  std::string instance_;
};

}  // namespace c8s::kube
