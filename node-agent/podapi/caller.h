// The admitted container behind a pod-API connection: peer process (peer.h) -> cgroup ->
// container ID -> the NRI plugin's admission record. Nothing the caller sends takes part.
//
//   CallerResolver resolver(&admissions);
//   ASSIGN_OR_RETURN(Caller caller, resolver.Resolve(conn_fd));   // PermissionDenied otherwise
//   log::Info("pod call", {{"pod", caller.pod_ref()}, {"identity", caller.admission.identity}});
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "node-agent/admission/admission_store.h"

namespace c8s::podapi {

struct Caller {
  admission::Admission admission;
  int pid = 0;
  std::string cgroup;  // cgroup v2 path, for logs
  std::string pod_ref() const { return admission.pod_namespace + "/" + admission.pod_name; }
};

class CallerResolver {
 public:
  explicit CallerResolver(const admission::AdmissionStore* admissions,
                          std::string proc_root = "/proc")
      : admissions_(admissions), proc_root_(std::move(proc_root)) {}
  // PermissionDenied naming the pid, cgroup and container when the caller is not admitted.
  absl::StatusOr<Caller> Resolve(int conn_fd) const;

 private:
  const admission::AdmissionStore* admissions_;
  std::string proc_root_;
};

}  // namespace c8s::podapi
