// CDS replicas (ARCHITECTURE.md §3.1 step 6): each replica listens on a dedicated TLS 1.3
// port and dials its peers. On every connection both sides first send evidence bound to the
// connection's TLS exporter (c8s/pod/v1 wrapping c8s/replica/v1) and verify the other's; only
// then does anything else cross. Decision: a dedicated TLS listener instead of gRPC's Replica
// service, because gRPC 1.51 does not expose the exporter; the messages are JSON frames
// (replica_net.h) with the fields of c8s.cds.v1.JoinRequest/JoinResponse.
//
//   - A sealed replica receives the seed from an open one, sealed with HPKE to a one-time key
//     it sent in its hello, only if its evidence satisfies replica_policy.h.
//   - The open replica with the lowest id leads: it alone writes state; the others forward
//     Propose/Claim/Approve to it (WriteRouter) and adopt every state it persists, refusing
//     any older version or a different blob for a version already seen (sealed_store.h).
//   - Followers compare storage with what the leader pushed: storage that serves an older
//     blob, or another blob for the same version, is reported (audit, metrics).
//   - Two replicas with different clusters on one storage (storage acknowledged two
//     creations) refuse each other, and both report not ready.
//   - Replicas send each other their issuance records (revocation, node addresses).
//
//   ASSIGN_OR_RETURN(auto replicas, ReplicaManager::Start(&runtime, {.id = "cds-0",
//                    .listen = "127.0.0.1:7445", .peers = {"127.0.0.1:7446"}}));
//   CdsGrpcServer::Start(&runtime, replicas.get(), ...);   // writes go to the leader
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "cds/own_evidence.h"
#include "cds/runtime.h"
#include "cds/write_router.h"
#include "lib/crypto/tls_stream.h"

namespace c8s::cds {

struct ReplicaOptions {
  std::string id;      // lower ids lead ("cds-0" before "cds-1")
  std::string listen;  // ipv4:port of the replica listener
  std::vector<std::string> peers;
  absl::Duration heartbeat = absl::Milliseconds(500);
  absl::Duration dead_after = absl::Seconds(3);
  absl::Duration write_timeout = absl::Seconds(10);
};

class ReplicaLink;

class ReplicaManager : public WriteRouter {
 public:
  static absl::StatusOr<std::unique_ptr<ReplicaManager>> Start(CdsRuntime* rt,
                                                               ReplicaOptions options);
  ~ReplicaManager() override;

  absl::StatusOr<Proposal> Propose(std::string_view manifest_json) override;
  absl::StatusOr<Activation> Claim(std::string_view manifest_json, std::string_view statement,
                                   std::string_view owner, ByteSpan signature) override;
  absl::StatusOr<Activation> Approve(std::string_view statement, std::string_view owner,
                                     ByteSpan signature) override;

  bool IsLeader() const;
  std::string Leader() const;  // id of the current leader ("" when this replica is sealed)
  int port() const { return port_; }
  // Empty while healthy; else why this replica must not be trusted to serve (two clusters).
  std::string Conflict() const;
  std::vector<std::pair<std::string, double>> Gauges() const;

  // --- for ReplicaLink ---
  CdsRuntime* runtime() const { return rt_; }
  const ReplicaOptions& options() const { return options_; }
  const EvidenceCheck& evidence_check() const { return check_; }
  // This CDS's own verified claims (learned once from its own evidence).
  const attest::Claims& own_claims() const { return own_claims_; }
  const std::string& own_image() const { return own_image_; }
  // After a link's hellos verified: keeps it (false: a duplicate, close it).
  bool Register(const std::shared_ptr<ReplicaLink>& link);
  void Unregister(ReplicaLink* link);
  void ReportConflict(std::string why);
  void NoteStorageAnomaly(std::string_view kind, std::string_view what);
  // Runs a write forwarded by a follower (this replica must lead).
  nlohmann::json ExecuteWrite(const nlohmann::json& frame);

 private:
  ReplicaManager(CdsRuntime* rt, ReplicaOptions options);
  absl::Status Init();
  void AcceptLoop();
  void DialLoop();
  void OnOpen();
  void Broadcast(const nlohmann::json& frame);
  void Spawn(std::shared_ptr<ReplicaLink> link);
  void Reap();
  std::shared_ptr<ReplicaLink> LeaderLink() const;
  absl::StatusOr<nlohmann::json> Forward(nlohmann::json frame);

  CdsRuntime* rt_;
  ReplicaOptions options_;
  EvidenceCheck check_;
  attest::SnpChainCache chain_cache_;
  attest::Claims own_claims_;
  std::string own_image_;
  crypto::SslCtxPtr server_ctx_, client_ctx_;
  UniqueFd listener_;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::thread accept_thread_, dial_thread_;
  LocalWrites local_;

  mutable std::mutex mu_;
  std::map<std::string, std::shared_ptr<ReplicaLink>> links_;  // by peer id
  std::vector<std::shared_ptr<ReplicaLink>> all_;              // every live connection
  std::vector<std::thread> threads_;                           // all_[i] runs on threads_[i]
  std::string conflict_;
  std::map<std::string, double> anomalies_;
};

}  // namespace c8s::cds
