// The node's identity (ARCHITECTURE.md §3.3): a P-256 key born in memory, a challenge from the
// CDS, evidence with report data c8s/node/v1 binding that challenge and the key, and the node
// certificate from Identity.IssueNode; renewed with a fresh key and fresh evidence at 2/3 of the
// certificate's lifetime, with backoff while the CDS refuses (its reason is logged as given).
//
//   NodeIdentity id(cds, provider, Clock::Real(), {.node_name = "node-1"}, &metrics);
//   std::thread t([&] { id.Run(&stop); });
//   std::optional<crypto::TlsIdentity> tls = id.Current();   // for mTLS to the CDS
#pragma once

#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "lib/attest/evidence.h"
#include "lib/base/backoff.h"
#include "lib/base/clock.h"
#include "lib/base/metrics.h"
#include "lib/crypto/tls.h"
#include "node-agent/agent/cds_client.h"
#include "node-agent/agent/stop_flag.h"

namespace c8s::agent {

struct NodeIdentityOptions {
  std::string node_name;
  std::string node_address;
  uint32_t mesh_port = 0;
  BackoffOptions backoff{absl::Seconds(1), absl::Seconds(60), 2.0, 0.2};
};

// 2/3 of the way from when the certificate became usable (received, or notBefore if later) to
// notAfter: the CDS backdates notBefore for clock skew, which must not shorten the first period.
absl::Time RenewalTime(absl::Time received, absl::Time not_before, absl::Time not_after);

class NodeIdentity {
 public:
  NodeIdentity(CdsClient* cds, attest::EvidenceProvider* evidence, const Clock& clock,
               NodeIdentityOptions options, Metrics* metrics)
      : cds_(cds),
        evidence_(evidence),
        clock_(clock),
        options_(std::move(options)),
        metrics_(metrics) {}

  // One join; on success the new identity replaces the old one.
  absl::Status Join();
  // Joins, then renews at RenewalTime (retrying with backoff) until `stop`.
  void Run(StopFlag* stop);

  // The current certificate and key, while the certificate is valid.
  std::optional<crypto::TlsIdentity> Current() const;
  absl::Time renew_at() const;
  int64_t renewals() const;
  // Called after each new certificate (without the lock).
  void AddListener(std::function<void(const crypto::TlsIdentity&)> listener);

 private:
  CdsClient* cds_;
  attest::EvidenceProvider* evidence_;
  const Clock& clock_;
  NodeIdentityOptions options_;
  Metrics* metrics_;
  std::mutex evidence_mu_;
  mutable std::mutex mu_;
  std::optional<crypto::TlsIdentity> current_;
  absl::Time renew_at_ = absl::InfinitePast();
  int64_t issued_ = 0;
  std::vector<std::function<void(const crypto::TlsIdentity&)>> listeners_;
};

}  // namespace c8s::agent
