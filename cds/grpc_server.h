// c8s-cds's gRPC front (c8s.cds.v1 over TLS 1.3): Attestation, Identity, Manifest and
// Policy.Watch on gRPC's callback API, translating to and from Cds (cds.h). The server
// certificate is issued by the CDS's own CA; clients pin that CA after `c8sctl verify`.
// Client certificates are requested, not required, at the handshake: calls that need a
// caller identity (IssueWorkload, Watch) check the chain against the CA in the handler.
//
//   ASSIGN_OR_RETURN(auto server, CdsGrpcServer::Start(cds.get(), {.listen = "127.0.0.1:0"}));
//   log::Info("serving", {{"port", server->port()}});
//   server->Shutdown();
#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "cds/cds.h"
#include "lib/attest/evidence.h"

namespace c8s::cds {

struct GrpcServerOptions {
  std::string listen = "127.0.0.1:0";
  // Names the CDS puts into its own certificate (clients connect by these).
  std::vector<std::string> dns_names = {"localhost"};
  std::vector<std::string> ip_addresses = {"127.0.0.1"};
  // Evidence for GetAttestation (c8s/pod/v1 wrapping c8s/cds/v1); null: GetAttestation fails.
  attest::EvidenceProvider* self_evidence = nullptr;
  std::string image_digest;  // of the CDS image, bound into c8s/pod/v1
  std::string pod_ref;       // "c8s-system/cds-0"
  size_t max_watch_streams = 4096;
};

class CdsGrpcServer {
 public:
  static absl::StatusOr<std::unique_ptr<CdsGrpcServer>> Start(Cds* cds,
                                                              const GrpcServerOptions& options);
  virtual ~CdsGrpcServer() = default;
  virtual int port() const = 0;
  // Ends Watch streams, then stops the server (in-flight unary calls finish).
  virtual void Shutdown() = 0;
  virtual size_t watch_streams() const = 0;
};

}  // namespace c8s::cds
