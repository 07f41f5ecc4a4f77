// Workload certificates for admitted pods (ARCHITECTURE.md §3.4): one P-256 key and certificate
// per (pod, identity), issued by Identity.IssueWorkload over mTLS with the node certificate,
// rotated at 2/3 of its lifetime, dropped when the pod's last admitted container is gone. Kept
// in memory only (the mesh proxy and Secrets.Release use them).
//
//   WorkloadCerts certs(cds, &node, Clock::Real(), &metrics);
//   certs.Sync(admissions.All());            // periodically
//   std::optional<crypto::TlsIdentity> id = certs.ForPod(pod_uid);
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "lib/base/backoff.h"
#include "lib/base/clock.h"
#include "lib/base/metrics.h"
#include "node-agent/admission/admission_store.h"
#include "node-agent/agent/cds_client.h"
#include "node-agent/agent/node_identity.h"

namespace c8s::agent {

class WorkloadCerts {
 public:
  WorkloadCerts(CdsClient* cds, const NodeIdentity* node, const Clock& clock, Metrics* metrics)
      : cds_(cds), node_(node), clock_(clock), metrics_(metrics) {}

  // Issues missing and due certificates for the admitted pods, removes the others.
  void Sync(const std::vector<admission::Admission>& admissions);

  std::optional<crypto::TlsIdentity> ForPod(const std::string& pod_uid) const;
  size_t size() const;

 private:
  struct Entry {
    std::string pod_ref;
    std::string identity;
    std::optional<crypto::TlsIdentity> tls;
    absl::Time renew_at = absl::InfinitePast();
    absl::Time next_attempt = absl::InfinitePast();
    Backoff backoff{{absl::Seconds(1), absl::Seconds(60), 2.0, 0.2}};
  };
  struct Result {
    absl::Status status;
    std::optional<crypto::TlsIdentity> tls;
  };
  // The CDS call, made without the lock.
  Result Issue(const std::string& pod_ref, const std::string& identity,
               const crypto::TlsIdentity& node);

  CdsClient* cds_;
  const NodeIdentity* node_;
  const Clock& clock_;
  Metrics* metrics_;
  mutable std::mutex mu_;
  std::map<std::string, Entry> by_pod_;  // pod uid -> entry
};

}  // namespace c8s::agent
