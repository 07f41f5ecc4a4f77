// TCP and framing for the replica channel (replica_link.h): a dedicated TLS 1.3 listener,
// because the evidence each replica sends must be bound to the TLS exporter and gRPC 1.51 does
// not expose it. Frames are a 4-byte big-endian length and one JSON object; frames above
// kMaxReplicaFrame are refused before reading them.
//
//   ASSIGN_OR_RETURN(UniqueFd listener, ListenTcp("127.0.0.1:0", &port));
//   ASSIGN_OR_RETURN(UniqueFd fd, ConnectTcp("127.0.0.1:7445", absl::Seconds(2)));
//   RETURN_IF_ERROR(WriteFrame(stream, {{"type", "ping"}}));
//   ASSIGN_OR_RETURN(nlohmann::json frame, ReadFrame(stream, absl::Seconds(5)));
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "lib/base/fd.h"
#include "lib/crypto/tls_stream.h"
#include "nlohmann/json.hpp"

namespace c8s::cds {

inline constexpr size_t kMaxReplicaFrame = 64 << 20;

absl::StatusOr<UniqueFd> ListenTcp(const std::string& host_port, int* bound_port);
// Waits up to `timeout` for a connection; DeadlineExceeded when none came.
absl::StatusOr<UniqueFd> AcceptTcp(int listen_fd, absl::Duration timeout);
absl::StatusOr<UniqueFd> ConnectTcp(const std::string& host_port, absl::Duration timeout);

absl::Status WriteFrame(crypto::TlsStream& stream, const nlohmann::json& frame);
absl::StatusOr<nlohmann::json> ReadFrame(crypto::TlsStream& stream, absl::Duration timeout);
// Frame body -> JSON object with a string "type"; errors name what is wrong (fuzzed).
absl::StatusOr<nlohmann::json> ParseFrame(ByteSpan body);

}  // namespace c8s::cds
