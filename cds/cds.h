// The CDS core without any transport: CA, challenges, the IssueNode/IssueWorkload decisions,
// the manifest state machine, bundles, encrypted persistence, audit log and metrics. The gRPC
// and HTTP layers (grpc_*.cc, http_server.cc) only translate to and from this class.
//
//   ASSIGN_OR_RETURN(auto cds, Cds::Open(seed, &storage, options, Clock::Real(), std::move(audit)));
//   Challenge c = cds->NewChallenge();
//   ASSIGN_OR_RETURN(IssuedCert cert, cds->IssueNode(join_input, {"10.0.0.11", 15443}));
//
// Invariants: an unclaimed CDS issues nothing and activates nothing; every refusal is audited
// with its reason, counted by reason, and changes neither storage nor counters of issuance;
// manifest changes become visible only after they are persisted.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "cds/audit_log.h"
#include "cds/ca.h"
#include "cds/challenge.h"
#include "cds/manifest_log.h"
#include "cds/metrics.h"
#include "cds/node_join.h"
#include "cds/sealed_store.h"
#include "lib/attest/snp_verifier.h"
#include "lib/base/clock.h"
#include "lib/manifest/bundle.h"

namespace c8s::cds {

struct CdsOptions {
  absl::Duration node_lifetime = absl::Hours(24);
  absl::Duration workload_lifetime = absl::Hours(1);
  absl::Duration challenge_ttl = absl::Seconds(60);
  size_t max_pending = 16;
  std::vector<Bytes> simulated_roots;  // PEM/DER roots of simulated SNP chains
  attest::AssuranceLevel assurance = attest::AssuranceLevel::kUnknown;
  manifest::BundleInfrastructure infrastructure;
};

struct IssuedCert {
  crypto::Certificate certificate;
  crypto::Certificate ca;
  manifest::ApprovalMode mode = manifest::ApprovalMode::kOwner;
};

struct NodeEndpoint {
  std::string address;  // empty: the node is not listed in bundles
  uint32_t mesh_port = 0;
};

struct ActiveView {
  std::string canonical_json;
  int64_t generation = 0;
  std::string manifest_hash;
  std::string entry_hash;
  manifest::ApprovalMode mode = manifest::ApprovalMode::kOwner;
};

struct SignedBundleView {
  std::string signed_json;
  int64_t generation = 0;
  uint64_t version = 0;  // changes with every new bundle (activation or node set)
};

struct AttestationInfo {
  Bytes ca_certificate_der;
  Bytes sealing_public_key_der;
  bool claimed = false;
  int64_t generation = 0;
  std::string head_hash;
  manifest::ApprovalMode mode = manifest::ApprovalMode::kOwner;
  std::string cluster;
};

class Cds {
 public:
  static absl::StatusOr<std::unique_ptr<Cds>> Open(ByteSpan seed, Storage* storage,
                                                   CdsOptions options, const Clock& clock,
                                                   std::unique_ptr<AuditLog> audit);

  // --- Identity (cds_identity.cc) ---
  Challenge NewChallenge();
  absl::StatusOr<IssuedCert> IssueNode(const NodeJoinInput& input, const NodeEndpoint& endpoint);
  // `node_cert` is the caller's TLS client certificate, already chained to this CA.
  absl::StatusOr<IssuedCert> IssueWorkload(ByteSpan csr_der, std::string_view identity,
                                           std::string_view pod_ref,
                                           const crypto::Certificate& node_cert);

  // --- Manifest (cds_manifest.cc) ---
  absl::StatusOr<Proposal> Propose(std::string_view manifest_json);
  absl::StatusOr<PendingView> GetPending(std::string_view manifest_hash);
  absl::StatusOr<Activation> Claim(std::string_view manifest_json, std::string_view statement_json,
                                   std::string_view owner, ByteSpan signature);
  absl::StatusOr<Activation> Approve(std::string_view statement_json, std::string_view owner,
                                     ByteSpan signature);
  absl::StatusOr<ActiveView> GetActive();
  std::vector<manifest::SignedHistoryEntry> History(int64_t from_generation);

  // --- Bundles, CRL, attestation inputs (cds.cc) ---
  absl::StatusOr<SignedBundleView> CurrentBundle();
  uint64_t bundle_version() const;
  // Called (without locks held) whenever a new bundle is available.
  void AddBundleListener(std::function<void()> listener);
  absl::StatusOr<Bytes> CrlDer();
  // The CDS's own TLS serving certificate (30 days; re-issued at every start).
  absl::StatusOr<crypto::Certificate> IssueServing(const crypto::CertificateRequest& csr,
                                                   const crypto::SubjectAltNames& sans);
  AttestationInfo Attestation();

  Metrics& metrics() { return metrics_; }
  AuditLog& audit() { return *audit_; }
  const crypto::Certificate& ca_certificate() const { return ca_->certificate(); }
  const Clock& clock() const { return clock_; }
  std::string MetricsText();

 private:
  Cds(CdsOptions options, const Clock& clock, std::unique_ptr<AuditLog> audit, SealedStore store,
      ChallengeIssuer challenges)
      : options_(std::move(options)), clock_(clock), audit_(std::move(audit)),
        store_(std::move(store)), challenges_(std::move(challenges)) {}
  absl::Status LoadOrCreate();
  absl::Status PersistLocked(const ManifestLog& log);
  ManifestStamp StampLocked() const;
  void BundleChanged();
  absl::Status Refuse(std::string_view event, const absl::Status& st, nlohmann::json details);
  template <typename Op>
  absl::StatusOr<Activation> Mutate(std::string_view event, Op op, nlohmann::json details);

  CdsOptions options_;
  const Clock& clock_;
  std::unique_ptr<AuditLog> audit_;
  SealedStore store_;
  ChallengeIssuer challenges_;
  attest::SnpChainCache chain_cache_;
  Metrics metrics_;

  mutable std::mutex mu_;  // guards everything below
  std::optional<ClusterCa> ca_;
  Bytes sealing_private_;
  Bytes sealing_public_der_;
  std::optional<ManifestLog> log_;
  std::map<std::string, manifest::BundleNode> nodes_;
  std::vector<std::string> revoked_;
  uint64_t bundle_version_ = 1;
  std::optional<SignedBundleView> bundle_cache_;
  std::vector<std::function<void()>> listeners_;
};

}  // namespace c8s::cds
