// A ttrpc server on one logical connection: dispatches unary requests by (service, method) and
// answers on the request's stream, with the error codes Go's ttrpc uses (nri-protocol.md §1.4):
// UNIMPLEMENTED for unknown services and methods, INVALID_ARGUMENT for undecodable requests and
// bad stream ids, RESOURCE_EXHAUSTED for oversized frames. The connection survives all of them.
//
//   Server server(session.writer(kPluginServiceConn));
//   server.Register("nri.pkg.api.v1alpha1.Plugin", "Configure",
//                   [&](const Request& r) -> absl::StatusOr<std::string> { return reply; });
//   session.Attach(kPluginServiceConn, &server);
#pragma once

#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "lib/ttrpc/message.h"
#include "lib/ttrpc/session.h"

namespace c8s::ttrpc {

// Returns the serialized reply message, or the status to answer with.
using Handler = std::function<absl::StatusOr<std::string>(const Request& request)>;

class Server : public FrameHandler {
 public:
  explicit Server(FrameWriter* writer) : writer_(writer) {}

  // Before the session starts.
  void Register(std::string service, std::string method, Handler handler);

  void OnFrame(Frame frame) override;
  void OnClosed(const absl::Status& reason) override;

  // The last error sending a response (the session's reader logs and ends on its own).
  absl::Status last_write_error() const;

 private:
  void Reply(uint32_t stream_id, const absl::StatusOr<std::string>& result);

  FrameWriter* writer_;
  std::map<std::pair<std::string, std::string>, Handler> methods_;
  std::map<std::string, int> services_;
  uint32_t last_stream_id_ = 0;
  mutable std::mutex mu_;
  absl::Status write_error_;
};

}  // namespace c8s::ttrpc
