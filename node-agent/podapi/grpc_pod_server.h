// The gRPC front of the pod-facing API (c8s.agent.v1 on a unix socket). Connections are
// accepted here, not by gRPC, so that each one is identified from the kernel (caller.h) before
// gRPC serves it (grpc::AddInsecureChannelFromFd); handlers find their connection's caller by
// the transport's peer name ("fd:<n>"), which cannot change while a call on it is alive.
//
//   ASSIGN_OR_RETURN(auto server, PodApiServer::Start("/run/c8s/pod/agent.sock", &api, &resolver));
//   server->Stop();
#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "node-agent/podapi/caller.h"
#include "node-agent/podapi/pod_api.h"

namespace c8s::podapi {

class PodApiServer {
 public:
  // The socket is created with mode 0666 (pods run under any uid); its directory decides who
  // can reach it (mounted into admitted pods only).
  static absl::StatusOr<std::unique_ptr<PodApiServer>> Start(const std::string& socket_path,
                                                             PodApi* api,
                                                             const CallerResolver* resolver);
  virtual ~PodApiServer() = default;
  virtual void Stop() = 0;
};

}  // namespace c8s::podapi
