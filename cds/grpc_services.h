// Internal to cds/: the c8s.cds.v1 callback services behind CdsGrpcServer.
#pragma once

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <memory>
#include <mutex>
#include <set>

#include "c8s/cds/v1/cds.grpc.pb.h"
#include "cds/cds.h"
#include "cds/grpc_server.h"
#include "lib/crypto/tls.h"

namespace c8s::cds {

namespace v1 = ::c8s::cds::v1;

grpc::Status ToGrpc(const absl::Status& st);
absl::StatusOr<attest::Evidence> FromProto(const v1::Evidence& ev);
void ToProto(const attest::Evidence& ev, v1::Evidence* out);

// The caller's certificate chained to the CDS CA, from the call's TLS auth context.
absl::StatusOr<crypto::VerifiedPeer> CallerOf(grpc::CallbackServerContext* ctx,
                                              const crypto::PeerVerifier& verifier);

class AttestationService : public v1::Attestation::CallbackService {
 public:
  AttestationService(Cds* cds, const GrpcServerOptions& o) : cds_(cds), options_(o) {}
  grpc::ServerUnaryReactor* GetAttestation(grpc::CallbackServerContext* ctx,
                                           const v1::GetAttestationRequest* req,
                                           v1::GetAttestationResponse* resp) override;

 private:
  Cds* cds_;
  GrpcServerOptions options_;
  std::mutex mu_;  // evidence providers are not assumed thread-safe
};

class IdentityService : public v1::Identity::CallbackService {
 public:
  IdentityService(Cds* cds, std::shared_ptr<const crypto::PeerVerifier> callers)
      : cds_(cds), callers_(std::move(callers)) {}
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
  Cds* cds_;
  std::shared_ptr<const crypto::PeerVerifier> callers_;
};

class ManifestService : public v1::Manifest::CallbackService {
 public:
  explicit ManifestService(Cds* cds) : cds_(cds) {}
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
  Cds* cds_;
};

class WatchReactor;

// Policy.Watch: one reactor per stream (no thread per stream); each writes the newest bundle
// when its previous write completed, so slow agents skip intermediate bundles.
class PolicyService : public v1::Policy::CallbackService {
 public:
  PolicyService(Cds* cds, std::shared_ptr<const crypto::PeerVerifier> callers, size_t max_streams);
  grpc::ServerWriteReactor<v1::SignedBundle>* Watch(grpc::CallbackServerContext* ctx,
                                                    const v1::WatchRequest* req) override;
  void NotifyAll();
  void FinishAll();
  void Remove(WatchReactor* r);
  size_t streams() const;

 private:
  Cds* cds_;
  std::shared_ptr<const crypto::PeerVerifier> callers_;
  size_t max_streams_;
  mutable std::mutex mu_;
  std::set<WatchReactor*> streams_;
  bool closing_ = false;
};

}  // namespace c8s::cds
