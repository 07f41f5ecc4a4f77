// CdsClient over gRPC (c8s.cds.v1 Manifest) with TLS 1.3 to the CDS: the server must chain
// to the pinned CDS CA (the one `c8sctl verify` pinned). The operator presents no client
// certificate: Propose, GetPending and GetActive are open calls, and the operator holds no key.
// Every call has a deadline and fails fast while the CDS is unreachable (no wait-for-ready),
// so the reconciler's backoff, not gRPC's, paces the retries; a call that finds the CDS
// unavailable drops the channel, and the next one dials afresh.
//
//   ASSIGN_OR_RETURN(auto cds, GrpcCdsClient::Create({.target = "c8s-cds.c8s-system:7443",
//                                                     .ca_pem = pinned_ca}));
//   ASSIGN_OR_RETURN(ProposeResult r, cds->Propose(compiled.canonical));
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "operator/cds_client.h"

namespace grpc {
class Status;
}

namespace c8s::op {

struct GrpcCdsOptions {
  std::string target = {};  // host:port
  std::string ca_pem = {};  // the pinned CDS CA certificate
  absl::Duration deadline = absl::Seconds(5);
};

class GrpcCdsClient : public CdsClient {
 public:
  static absl::StatusOr<std::unique_ptr<GrpcCdsClient>> Create(const GrpcCdsOptions& options);
  ~GrpcCdsClient() override;

  absl::StatusOr<ProposeResult> Propose(const std::string& canonical_json) override;
  absl::StatusOr<CdsView> View(const std::string& pending_hash) override;
  std::string target() const override { return options_.target; }

 private:
  struct Stub;
  struct Dialer;  // credentials and channel arguments
  GrpcCdsClient(GrpcCdsOptions options, std::unique_ptr<Dialer> dialer);
  std::shared_ptr<Stub> Connection();
  void Dropped(const grpc::Status& status, const std::shared_ptr<Stub>& used);

  GrpcCdsOptions options_;
  std::unique_ptr<Dialer> dialer_;
  std::mutex mu_;
  std::shared_ptr<Stub> stub_;  // null: dial on the next call
};

}  // namespace c8s::op
