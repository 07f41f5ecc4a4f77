// The pod-facing API's decisions (c8s.agent.v1, served on a unix socket mounted into admitted
// pods; the gRPC front is grpc_pod_server.h): agent-mediated evidence whose c8s/pod/v1 report
// data binds the caller's admitted image digest and pod to the role binding hash it passes, and
// secrets released by the CDS to the caller's workload identity. The caller always comes from
// the connection (caller.h).
//
//   PodApi api(provider, &secrets, &metrics, Clock::Real());
//   ASSIGN_OR_RETURN(PodEvidence ev, api.GetEvidence(caller, role_binding_hash));
#pragma once

#include <map>
#include <mutex>
#include <string>

#include "absl/status/statusor.h"
#include "lib/attest/evidence.h"
#include "lib/base/clock.h"
#include "lib/base/metrics.h"
#include "node-agent/podapi/caller.h"

namespace c8s::podapi {

struct PodEvidence {
  attest::Evidence evidence;
  std::string image_digest;
  std::string pod_ref;
};

struct SecretValue {
  Bytes value;
  uint64_t version = 0;
};

// Where secrets come from: the CDS's Secrets.Release over mTLS with the caller's workload
// certificate (node-agent/agent), or a fake in tests.
class SecretSource {
 public:
  virtual ~SecretSource() = default;
  virtual absl::StatusOr<SecretValue> Release(const admission::Admission& caller,
                                              std::string_view ref) = 0;
};

struct PodApiOptions {
  // Evidence requests per pod: a bucket of `burst`, refilled at `per_second`.
  double evidence_burst = 10;
  double evidence_per_second = 2;
};

class PodApi {
 public:
  PodApi(attest::EvidenceProvider* evidence, SecretSource* secrets, Metrics* metrics,
         const Clock& clock, PodApiOptions options = {})
      : evidence_(evidence),
        secrets_(secrets),
        metrics_(metrics),
        clock_(clock),
        options_(options) {}

  // `role_binding_hash`: SHA-256 of the caller's role binding (32 bytes).
  absl::StatusOr<PodEvidence> GetEvidence(const Caller& caller, ByteSpan role_binding_hash);
  // `name`: "name" (in the caller's namespace) or "namespace/name".
  absl::StatusOr<SecretValue> GetSecret(const Caller& caller, std::string_view name);

 private:
  bool TakeToken(const std::string& pod_uid);

  attest::EvidenceProvider* evidence_;
  SecretSource* secrets_;
  Metrics* metrics_;
  const Clock& clock_;
  PodApiOptions options_;
  std::mutex mu_;  // the evidence provider and the buckets
  struct Bucket {
    double tokens = 0;
    absl::Time last;
  };
  std::map<std::string, Bucket> buckets_;
};

}  // namespace c8s::podapi
