// What the node agent asks the CDS (c8s.cds.v1), as an interface so that identity, policy and
// workload-certificate logic is tested without a network; grpc_cds_client.cc speaks gRPC over
// TLS 1.3 to the CDS whose serving certificate chains to the pinned CA. Refusals keep the CDS's
// status code and message (it names the failed check).
//
//   ASSIGN_OR_RETURN(auto cds, MakeGrpcCdsClient({.address = "10.0.0.5:7443"}, &store));
//   ASSIGN_OR_RETURN(CdsChallenge c, cds->Challenge());
//   ASSIGN_OR_RETURN(IssuedCertificate node, cds->IssueNode(request));
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "lib/attest/evidence.h"
#include "lib/crypto/tls.h"
#include "lib/crypto/x509.h"

namespace c8s::agent {

struct CdsChallenge {
  Bytes token;
  absl::Time expires;
};

struct NodeJoinRequest {
  Bytes csr_der;
  attest::Evidence evidence;
  Bytes challenge;
  std::string node_name;
  std::string node_address;
  uint32_t mesh_port = 0;
};

struct IssuedCertificate {
  crypto::Certificate certificate;
  std::vector<crypto::Certificate> chain;  // issuer(s), CA last
  std::string approval_mode;               // node certificates: "Owner" / "Automatic"
};

struct ReleasedSecret {
  Bytes value;
  uint64_t version = 0;
};

// Lets another thread end a blocking Watch.
class WatchCancel {
 public:
  void Cancel();
  bool cancelled() const { return cancelled_; }
  // Runs `on_cancel` now if already cancelled, else at Cancel(); cleared by Reset(), after
  // which it is never called. `on_cancel` must not call back into this object.
  void OnCancel(std::function<void()> on_cancel);
  void Reset();

 private:
  std::mutex mu_;
  std::atomic<bool> cancelled_{false};
  std::function<void()> on_cancel_;
};

class CdsClient {
 public:
  virtual ~CdsClient() = default;
  virtual absl::StatusOr<CdsChallenge> Challenge() = 0;
  virtual absl::StatusOr<IssuedCertificate> IssueNode(const NodeJoinRequest& request) = 0;
  // mTLS with the node certificate.
  virtual absl::StatusOr<IssuedCertificate> IssueWorkload(const crypto::TlsIdentity& node,
                                                          ByteSpan csr_der,
                                                          std::string_view identity,
                                                          std::string_view pod_ref) = 0;
  // mTLS with the pod's workload certificate.
  virtual absl::StatusOr<ReleasedSecret> ReleaseSecret(const crypto::TlsIdentity& workload,
                                                       std::string_view ref) = 0;
  // Policy.Watch over mTLS with the node certificate: calls `on_bundle` with each signed bundle
  // until the stream ends (the status says why) or `cancel` fires.
  virtual absl::Status WatchPolicy(const crypto::TlsIdentity& node, uint64_t known_generation,
                                   const std::function<void(std::string signed_json)>& on_bundle,
                                   WatchCancel* cancel) = 0;
};

}  // namespace c8s::agent
