// The ttrpc envelope messages (ttrpc request.proto; nri-protocol.md §1.3-1.4) and the
// google.rpc.Status they carry, hand-encoded with lib/ttrpc/wire.h.
//
//   Request req{.service = "nri.pkg.api.v1alpha1.Runtime", .method = "RegisterPlugin",
//               .payload = body, .timeout_nano = 5'000'000'000};
//   std::string bytes = EncodeRequest(req);
//   ASSIGN_OR_RETURN(Response resp, DecodeResponse(frame.data));
//   absl::Status call = StatusFromRpc(resp.status);   // OK when absent or code 0
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace c8s::ttrpc {

struct RpcStatus {
  int32_t code = 0;  // gRPC code (the same numbers as absl::StatusCode)
  std::string message;
  bool operator==(const RpcStatus&) const = default;
};

struct Request {
  std::string service;       // "nri.pkg.api.v1alpha1.Plugin"
  std::string method;        // "CreateContainer"
  std::string payload;       // the serialized request message
  int64_t timeout_nano = 0;  // relative; 0 = none
  std::vector<std::pair<std::string, std::string>> metadata;
  bool operator==(const Request&) const = default;
};

struct Response {
  std::optional<RpcStatus> status;  // absent = OK, as Go's server sends success
  std::string payload;
  bool operator==(const Response&) const = default;
};

std::string EncodeRequest(const Request& request);
absl::StatusOr<Request> DecodeRequest(std::string_view data);
std::string EncodeResponse(const Response& response);
absl::StatusOr<Response> DecodeResponse(std::string_view data);

std::string EncodeRpcStatus(const RpcStatus& status);
absl::StatusOr<RpcStatus> DecodeRpcStatus(std::string_view data);

// OK for an absent status or code 0 (Go's client only fails on a non-zero code).
absl::Status StatusFromRpc(const std::optional<RpcStatus>& status);
// nullopt for OK (what Go sends), else {code, message}.
std::optional<RpcStatus> RpcFromStatus(const absl::Status& status);

}  // namespace c8s::ttrpc
