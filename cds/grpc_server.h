// c8s-cds's gRPC front (c8s.cds.v1 over TLS 1.3): Attestation, Identity, Manifest,
// Policy.Watch, Secrets and Recovery on gRPC's callback API, translating to and from the
// runtime's Cds (cds.h). The server certificate is issued by the CDS's own CA (self-signed
// while sealed: the server restarts with the CA-issued one once open); clients pin the CA
// after `c8sctl verify`. Client certificates are requested, not required, at the handshake:
// calls that need a caller identity (IssueWorkload, Watch, Release) check the chain against
// the CA in the handler (cached per chain, peer_cache.h).
//
//   ASSIGN_OR_RETURN(auto server, CdsGrpcServer::Start(&runtime, &writes, {.listen =
//   "127.0.0.1:0"})); log::Info("serving", {{"port", server->port()}}); server->Shutdown();
#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "cds/runtime.h"
#include "cds/write_router.h"

namespace c8s::cds {

struct GrpcServerOptions {
  std::string listen = "127.0.0.1:0";
  // Names the CDS puts into its own certificate (clients connect by these).
  std::vector<std::string> dns_names = {"localhost"};
  std::vector<std::string> ip_addresses = {"127.0.0.1"};
  size_t max_watch_streams = 4096;
  int max_message_bytes = 4 << 20;
};

class CdsGrpcServer {
 public:
  // `writes` routes Propose/Claim/Approve (LocalWrites or the replica link).
  static absl::StatusOr<std::unique_ptr<CdsGrpcServer>> Start(CdsRuntime* runtime,
                                                              WriteRouter* writes,
                                                              const GrpcServerOptions& options);
  virtual ~CdsGrpcServer() = default;
  virtual int port() const = 0;
  // Ends Watch streams, then stops the server (in-flight unary calls finish).
  virtual void Shutdown() = 0;
  virtual size_t watch_streams() const = 0;
};

}  // namespace c8s::cds
