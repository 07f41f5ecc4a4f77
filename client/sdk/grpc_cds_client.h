// CdsClient over gRPC + TLS 1.3 (c8s.cds.v1), and channels pinned to a verified cluster CA for
// callers with their own stubs (node agents: IssueNode, Policy.Watch over mTLS).
//
//   ASSIGN_OR_RETURN(std::unique_ptr<CdsClient> boot, ConnectCds({.target = "127.0.0.1:7443"}));
//   ASSIGN_OR_RETURN(VerifiedCds cds, VerifyCds(*boot, ref, {}));
//   std::shared_ptr<grpc::Channel> ch = PinnedCdsChannel("127.0.0.1:7443", cds.ca, identity);
//   auto identity_stub = c8s::cds::v1::Identity::NewStub(ch);
//
// Pinned channels check the server chain against exactly that CA (lib/crypto CaPeerVerifier);
// gRPC's own hostname and root checks are off, the pin is the check.
#pragma once

#include <grpcpp/channel.h>

#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "client/sdk/cds_client.h"
#include "lib/crypto/tls.h"
#include "lib/crypto/x509.h"

namespace c8s::client {

absl::StatusOr<std::unique_ptr<CdsClient>> ConnectCds(const ConnectOptions& options);

std::shared_ptr<grpc::Channel> PinnedCdsChannel(
    const std::string& target, const crypto::Certificate& ca,
    const std::optional<crypto::TlsIdentity>& identity = std::nullopt);

}  // namespace c8s::client
