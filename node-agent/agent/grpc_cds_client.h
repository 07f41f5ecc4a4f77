// CdsClient over gRPC (c8s.cds.v1, TLS 1.3). The server must present a certificate issued by
// the pinned CA to the CDS itself ("CN=c8s-cds", no workload or node claims), so that no pod or
// node certificate of the same cluster can pose as the CDS.
//
//   auto cds = MakeGrpcCdsClient({.address = "10.0.0.5:7443"}, [&] { return store.pinned_ca(); });
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "absl/time/time.h"
#include "lib/base/clock.h"
#include "node-agent/agent/cds_client.h"

namespace c8s::agent {

struct GrpcCdsClientOptions {
  std::string address;  // host:port
  absl::Duration call_timeout = absl::Seconds(15);
};

// Accepts the CDS's serving certificate chained to `ca`, and nothing else.
std::shared_ptr<const crypto::PeerVerifier> MakeCdsServerVerifier(crypto::Certificate ca,
                                                                  const Clock& clock);

std::unique_ptr<CdsClient> MakeGrpcCdsClient(
    GrpcCdsClientOptions options, std::function<std::optional<crypto::Certificate>()> pinned_ca);

}  // namespace c8s::agent
