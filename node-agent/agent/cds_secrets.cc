#include "node-agent/agent/cds_secrets.h"

#include "lib/base/status.h"
#include "lib/base/strings.h"

namespace c8s::agent {

absl::StatusOr<podapi::SecretValue> CdsSecrets::Release(const admission::Admission& caller,
                                                        std::string_view ref) {
  std::optional<crypto::TlsIdentity> tls = certs_->ForPod(caller.pod_uid);
  if (!tls) {
    return absl::UnavailableError(StrCat("pod ", caller.pod_namespace, "/", caller.pod_name,
                                         " has no workload certificate yet (identity ",
                                         caller.identity, "); retry"));
  }
  ASSIGN_OR_RETURN(ReleasedSecret s, cds_->ReleaseSecret(*tls, ref));
  return podapi::SecretValue{std::move(s.value), s.version};
}

}  // namespace c8s::agent
