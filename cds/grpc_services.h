// Internal to cds/: the c8s.cds.v1 callback services behind CdsGrpcServer. Every handler asks
// the runtime for the open Cds; a sealed CDS answers UNAVAILABLE except for Recovery.
#pragma once

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <memory>
#include <mutex>
#include <set>

#include "c8s/cds/v1/cds.grpc.pb.h"
#include "cds/cds.h"
#include "cds/grpc_server.h"
#include "cds/runtime.h"
#include "cds/write_router.h"
#include "lib/crypto/tls.h"

namespace c8s::cds {

namespace v1 = ::c8s::cds::v1;

grpc::Status ToGrpc(const absl::Status& st);
absl::StatusOr<attest::Evidence> FromProto(const v1::Evidence& ev);
void ToProto(const attest::Evidence& ev, v1::Evidence* out);
std::string ToWire(ByteSpan b);

// The caller's certificate chained to the CDS CA, from the call's TLS auth context.
absl::StatusOr<crypto::VerifiedPeer> CallerOf(grpc::CallbackServerContext* ctx,
                                              const crypto::PeerVerifier& verifier);
// The open Cds, or UNAVAILABLE "sealed: ...".
absl::StatusOr<std::shared_ptr<Cds>> OpenCds(CdsRuntime* rt);

class AttestationService : public v1::Attestation::CallbackService {
 public:
  explicit AttestationService(CdsRuntime* rt) : rt_(rt) {}
  grpc::ServerUnaryReactor* GetAttestation(grpc::CallbackServerContext* ctx,
                                           const v1::GetAttestationRequest* req,
                                           v1::GetAttestationResponse* resp) override;

 private:
  CdsRuntime* rt_;
};

class IdentityService : public v1::Identity::CallbackService {
 public:
  IdentityService(CdsRuntime* rt, std::shared_ptr<const crypto::PeerVerifier> callers)
      : rt_(rt), callers_(std::move(callers)) {}
  grpc::ServerUnaryReactor* Challenge(grpc::CallbackServerContext* ctx,
                                      const v1::ChallengeRequest* req,
                                      v1::ChallengeResponse* resp) override;
  grpc::ServerUnaryReactor* IssueNode(grpc::CallbackServerContext* ctx,
                                      const v1::IssueNodeRequest* req,
                                      v1::IssueNodeResponse* resp) override;
  grpc::ServerUnaryReactor* IssueWorkload(grpc::CallbackServerContext* ctx,
                                          const v1::IssueWorkloadRequest* req,
                                          v1::IssueWorkloadResponse* resp) override;

 private:
  CdsRuntime* rt_;
  std::shared_ptr<const crypto::PeerVerifier> callers_;
};

class ManifestService : public v1::Manifest::CallbackService {
 public:
  ManifestService(CdsRuntime* rt, WriteRouter* writes) : rt_(rt), writes_(writes) {}
  grpc::ServerUnaryReactor* Propose(grpc::CallbackServerContext*, const v1::ProposeRequest*,
                                    v1::ProposeResponse*) override;
  grpc::ServerUnaryReactor* GetPending(grpc::CallbackServerContext*, const v1::GetPendingRequest*,
                                       v1::GetPendingResponse*) override;
  grpc::ServerUnaryReactor* Claim(grpc::CallbackServerContext*, const v1::ApproveRequest*,
                                  v1::ApproveResponse*) override;
  grpc::ServerUnaryReactor* Approve(grpc::CallbackServerContext*, const v1::ApproveRequest*,
                                    v1::ApproveResponse*) override;
  grpc::ServerUnaryReactor* GetActive(grpc::CallbackServerContext*, const v1::GetActiveRequest*,
                                      v1::GetActiveResponse*) override;
  grpc::ServerUnaryReactor* History(grpc::CallbackServerContext*, const v1::HistoryRequest*,
                                    v1::HistoryResponse*) override;

 private:
  CdsRuntime* rt_;
  WriteRouter* writes_;
};

class SecretsService : public v1::Secrets::CallbackService {
 public:
  SecretsService(CdsRuntime* rt, std::shared_ptr<const crypto::PeerVerifier> callers)
      : rt_(rt), callers_(std::move(callers)) {}
  grpc::ServerUnaryReactor* Release(grpc::CallbackServerContext*, const v1::ReleaseRequest*,
                                    v1::ReleaseResponse*) override;

 private:
  CdsRuntime* rt_;
  std::shared_ptr<const crypto::PeerVerifier> callers_;
};

class RecoveryService : public v1::Recovery::CallbackService {
 public:
  explicit RecoveryService(CdsRuntime* rt) : rt_(rt) {}
  grpc::ServerUnaryReactor* GetRecoveryChallenge(grpc::CallbackServerContext*,
                                                 const v1::RecoveryChallengeRequest*,
                                                 v1::RecoveryChallengeResponse*) override;
  grpc::ServerUnaryReactor* Recover(grpc::CallbackServerContext*, const v1::RecoverRequest*,
                                    v1::RecoverResponse*) override;
  grpc::ServerUnaryReactor* Backup(grpc::CallbackServerContext*, const v1::BackupRequest*,
                                   v1::BackupResponse*) override;

 private:
  CdsRuntime* rt_;
};

class WatchReactor;

// Policy.Watch: one reactor per stream (no thread per stream); each writes the newest bundle
// when its previous write completed, so slow agents skip intermediate bundles.
class PolicyService : public v1::Policy::CallbackService {
 public:
  PolicyService(CdsRuntime* rt, std::shared_ptr<const crypto::PeerVerifier> callers,
                size_t max_streams);
  grpc::ServerWriteReactor<v1::SignedBundle>* Watch(grpc::CallbackServerContext* ctx,
                                                    const v1::WatchRequest* req) override;
  void NotifyAll();
  void FinishAll();
  void Remove(WatchReactor* r);
  size_t streams() const;

 private:
  CdsRuntime* rt_;
  std::shared_ptr<const crypto::PeerVerifier> callers_;
  size_t max_streams_;
  mutable std::mutex mu_;
  std::set<WatchReactor*> streams_;
  bool closing_ = false;
};

}  // namespace c8s::cds
