// A ttrpc client on one logical connection: unary calls with a deadline, stream ids 1, 3, 5, ...
// (nri-protocol.md §1.2), replies matched by stream id; a reply for a stream nobody waits for
// (late, unknown) is dropped, as in Go.
//
//   Client runtime(session.writer(kRuntimeServiceConn));
//   session.Attach(kRuntimeServiceConn, &runtime);
//   ASSIGN_OR_RETURN(std::string reply,
//                    runtime.Call("nri.pkg.api.v1alpha1.Runtime", "RegisterPlugin", body,
//                                 absl::Seconds(5)));
#pragma once

#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "lib/ttrpc/message.h"
#include "lib/ttrpc/session.h"

namespace c8s::ttrpc {

class Client : public FrameHandler {
 public:
  explicit Client(FrameWriter* writer) : writer_(writer) {}

  // Blocks until the reply, the deadline (DEADLINE_EXCEEDED; the request carries it as
  // timeout_nano) or the connection's end (UNAVAILABLE). A non-OK status in the reply comes
  // back as that status. Never call it from a handler on the same session's reader thread.
  absl::StatusOr<std::string> Call(std::string_view service, std::string_view method,
                                   std::string_view payload, absl::Duration timeout);

  void OnFrame(Frame frame) override;
  void OnClosed(const absl::Status& reason) override;

  uint64_t dropped_replies() const;

 private:
  FrameWriter* writer_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  uint32_t next_stream_id_ = 1;
  std::map<uint32_t, std::optional<absl::StatusOr<std::string>>> pending_;
  std::optional<absl::Status> closed_;
  uint64_t dropped_ = 0;
};

}  // namespace c8s::ttrpc
