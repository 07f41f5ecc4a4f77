// The CDS core without any transport: CA, challenges, the IssueNode/IssueWorkload decisions,
// the manifest state machine, bundles, revocation, secret release, recovery envelopes,
// encrypted persistence, audit log and metrics. The gRPC and HTTP layers (grpc_*.cc,
// http_server.cc) and the replica links only translate to and from this class.
//
//   ASSIGN_OR_RETURN(auto cds, Cds::Open(seed, &storage, options, Clock::Real(),
//   std::move(audit))); ASSIGN_OR_RETURN(Challenge c, cds->NewChallenge("10.0.0.11"));
//   ASSIGN_OR_RETURN(IssuedCert cert, cds->IssueNode(join_input, {"10.0.0.11", 15443}));
//
// Invariants: an unclaimed CDS issues nothing and activates nothing; every refusal is audited
// with its reason, counted by reason, and changes neither storage nor counters of issuance;
// manifest changes (with the revocations and recovery envelopes they imply) become visible
// only after they are persisted.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "absl/status/statusor.h"
#include "cds/audit_log.h"
#include "cds/ca.h"
#include "cds/challenge.h"
#include "cds/issued_registry.h"
#include "cds/manifest_log.h"
#include "cds/metrics.h"
#include "cds/node_join.h"
#include "cds/rate_limit.h"
#include "cds/recovery.h"
#include "cds/sealed_store.h"
#include "cds/vault_client.h"
#include "lib/attest/snp_verifier.h"
#include "lib/base/clock.h"
#include "lib/manifest/bundle.h"

namespace c8s::cds {

inline constexpr char kStateObject[] = "state";

struct CdsOptions {
  absl::Duration node_lifetime = absl::Hours(24);
  absl::Duration workload_lifetime = absl::Hours(1);
  absl::Duration challenge_ttl = absl::Seconds(60);
  size_t max_pending = 16;
  std::vector<Bytes> simulated_roots;  // PEM/DER roots of simulated SNP/TDX chains
  std::optional<attest::TdxCollateralBundle> tdx_collateral;
  attest::AssuranceLevel assurance = attest::AssuranceLevel::kUnknown;
  manifest::BundleInfrastructure infrastructure;
  // Each Challenge and IssueNode costs the CDS a P-384 verify or more.
  RateLimit challenge_limit{4000, 8000, 100, 400};
  RateLimit issue_node_limit{1000, 2000, 20, 100};
  size_t max_issued_records = 1 << 20;
  // Source (b) of Secrets.Release; null: Vault secrets are refused.
  SecretStore* secret_store = nullptr;
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
  std::optional<manifest::SignedHistoryEntry> head;
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

struct ReleasedSecret {
  Bytes value;
  int64_t version = 0;
  std::string source;  // "sealed" or "vault"
};

class Cds {
 public:
  // Loads the state sealed under `seed`; on empty storage, creates the CA and sealing key when
  // `create_if_empty`, conditionally (a second creator gets Aborted), else NotFound.
  static absl::StatusOr<std::unique_ptr<Cds>> Open(ByteSpan seed, Storage* storage,
                                                   CdsOptions options, const Clock& clock,
                                                   std::shared_ptr<AuditLog> audit,
                                                   bool create_if_empty = true);

  // --- Identity (cds_identity.cc, cds_workload.cc) ---
  // `peer`: the caller's address, for per-caller rate limits.
  absl::StatusOr<Challenge> NewChallenge(std::string_view peer = "");
  absl::StatusOr<IssuedCert> IssueNode(const NodeJoinInput& input, const NodeEndpoint& endpoint,
                                       std::string_view peer = "");
  // `node_cert` is the caller's TLS client certificate, already chained to this CA;
  // `node_claims`, when given, are its c8s claims as the caller's verifier read them.
  absl::StatusOr<IssuedCert> IssueWorkload(
      ByteSpan csr_der, std::string_view identity, std::string_view pod_ref,
      const crypto::Certificate& node_cert,
      const std::optional<crypto::C8sClaimsExtension>& node_claims = std::nullopt);

  // --- Manifest (cds_manifest.cc) ---
  absl::StatusOr<Proposal> Propose(std::string_view manifest_json);
  absl::StatusOr<PendingView> GetPending(std::string_view manifest_hash);
  absl::StatusOr<Activation> Claim(std::string_view manifest_json, std::string_view statement_json,
                                   std::string_view owner, ByteSpan signature);
  absl::StatusOr<Activation> Approve(std::string_view statement_json, std::string_view owner,
                                     ByteSpan signature);
  absl::StatusOr<ActiveView> GetActive();
  std::vector<manifest::SignedHistoryEntry> History(int64_t from_generation);

  // --- Secrets (cds_secrets.cc): `caller` is the workload certificate of the mTLS call ---
  absl::StatusOr<ReleasedSecret> Release(std::string_view ref, int64_t version,
                                         const crypto::Certificate& caller);

  // --- Bundles, CRL, attestation inputs (cds.cc) ---
  absl::StatusOr<SignedBundleView> CurrentBundle();
  uint64_t bundle_version() const;
  // Called (without locks held) whenever a new bundle is available.
  void AddBundleListener(std::function<void()> listener);
  absl::StatusOr<Bytes> CrlDer();
  std::vector<RevokedSerial> Revoked() const;
  // A TLS serving certificate for this CDS (30 days).
  absl::StatusOr<crypto::Certificate> IssueServing(const crypto::CertificateRequest& csr,
                                                   const crypto::SubjectAltNames& sans);
  AttestationInfo Attestation();
  std::optional<RecoveryRecord> recovery() const;

  // --- Replication (cds_replica.cc): what a leader pushes and followers adopt ---
  // The newest persisted state blob and its version.
  std::optional<Bytes> StateBlob() const;
  uint64_t state_version() const { return store_.version(kStateObject); }
  // A follower takes the leader's state (same CA; versions never go back).
  absl::Status AdoptState(ByteSpan blob);
  // Storage must hold the newest state blob known here: an older version is "stale", another
  // blob for the same version "conflicting writes". Newer is fine (a later write).
  absl::Status CheckStorage();
  // Records issued by other replicas (revocation, node addresses for bundles).
  void AddPeerRecord(IssuedRecord record);
  // Called after every persisted state change and every issuance (without locks held).
  void SetStateListener(std::function<void(const Bytes& blob)> listener);
  void SetIssuedListener(std::function<void(const IssuedRecord&)> listener);
  const Bytes& seed() const { return seed_; }

  Metrics& metrics() { return metrics_; }
  AuditLog& audit() { return *audit_; }
  Storage* storage() const { return store_.storage(); }
  const crypto::Certificate& ca_certificate() const { return ca_->certificate(); }
  const Clock& clock() const { return clock_; }
  std::string MetricsText(const std::vector<std::pair<std::string, double>>& extra = {});

 private:
  Cds(Bytes seed, CdsOptions options, const Clock& clock, std::shared_ptr<AuditLog> audit,
      SealedStore store, ChallengeIssuer challenges)
      : seed_(std::move(seed)),
        options_(std::move(options)),
        clock_(clock),
        audit_(std::move(audit)),
        store_(std::move(store)),
        challenges_(std::move(challenges)),
        challenge_limiter_(options_.challenge_limit, clock),
        issue_node_limiter_(options_.issue_node_limit, clock),
        registry_(options_.max_issued_records) {}

  struct PersistedState {
    ManifestLog log;
    std::vector<RevokedSerial> revoked;
    std::optional<RecoveryRecord> recovery;
  };

  // cds_state.cc
  absl::Status LoadOrCreate(bool create_if_empty);
  absl::StatusOr<PersistedState> FromDoc(const nlohmann::json& doc) const;
  absl::Status PersistLocked(const PersistedState& next);
  void InstallLocked(PersistedState next);
  absl::StatusOr<PersistedState> NextStateLocked(ManifestLog next_log, nlohmann::json* details);
  void WriteRecoveryObject(const RecoveryRecord& record);
  void NotifyPersisted();

  ManifestStamp StampLocked() const;
  void BundleChanged();
  void Recorded(IssuedRecord record);
  absl::Status Refuse(std::string_view event, const absl::Status& st, nlohmann::json details);
  template <typename Op>
  absl::StatusOr<Activation> Mutate(std::string_view event, Op op, nlohmann::json details);
  // The node policy of the manifest active at `generation` (converted, cached), or null.
  const attest::AttestationPolicy* NodePolicyAtLocked(int64_t generation);
  const manifest::Manifest* ManifestAtLocked(int64_t generation) const;

  Bytes seed_;
  CdsOptions options_;
  const Clock& clock_;
  std::shared_ptr<AuditLog> audit_;
  SealedStore store_;
  ChallengeIssuer challenges_;
  RateLimiter challenge_limiter_;
  RateLimiter issue_node_limiter_;
  attest::SnpChainCache chain_cache_;
  IssuedRegistry registry_;
  Metrics metrics_;

  mutable std::mutex mu_;  // guards everything below
  std::optional<ClusterCa> ca_;
  Bytes sealing_private_;
  Bytes sealing_public_der_;
  std::optional<crypto::PrivateKey> sealing_key_;
  std::optional<ManifestLog> log_;
  std::vector<RevokedSerial> revoked_;
  std::unordered_set<std::string> revoked_set_;
  std::optional<RecoveryRecord> recovery_;
  std::map<int64_t, attest::AttestationPolicy> node_policy_cache_;
  std::map<std::string, manifest::BundleNode> nodes_;
  uint64_t bundle_version_ = 1;
  std::optional<SignedBundleView> bundle_cache_;
  std::vector<std::function<void()>> listeners_;
  std::function<void(const Bytes&)> state_listener_;
  std::function<void(const IssuedRecord&)> issued_listener_;
};

}  // namespace c8s::cds
