// Secrets for the pod API from the CDS: Secrets.Release over mTLS with the calling pod's
// workload certificate, so the CDS decides on the pod's identity and its node's verified claims.
//
//   CdsSecrets secrets(cds, &workload_certs);
//   PodApi api(provider, &secrets, &metrics, Clock::Real());
#pragma once

#include "node-agent/agent/cds_client.h"
#include "node-agent/agent/workload_certs.h"
#include "node-agent/podapi/pod_api.h"

namespace c8s::agent {

class CdsSecrets : public podapi::SecretSource {
 public:
  CdsSecrets(CdsClient* cds, const WorkloadCerts* certs) : cds_(cds), certs_(certs) {}
  absl::StatusOr<podapi::SecretValue> Release(const admission::Admission& caller,
                                              std::string_view ref) override;

 private:
  CdsClient* cds_;
  const WorkloadCerts* certs_;
};

}  // namespace c8s::agent
