// The NRI multiplexer (NRI pkg/net/multiplex; nri-protocol.md §2): several logical byte streams
// over one socket, in frames [u32 BE conn id][u32 BE length][payload]. Conn 1 carries the
// plugin's ttrpc server (containerd calls the Plugin service), conn 2 its client (the plugin
// calls the Runtime service).
//
//   std::string wire;
//   AppendMuxFrames(wire, kPluginServiceConn, ttrpc_frame);  // ≤ 4096-byte pieces
//   MuxDecoder mux;
//   mux.Feed(bytes);
//   while (auto f = mux.Next()) { ... f->conn_id, f->payload ... }   // or an error
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace c8s::ttrpc {

inline constexpr uint32_t kPluginServiceConn = 1;
inline constexpr uint32_t kRuntimeServiceConn = 2;
inline constexpr size_t kMuxHeaderSize = 8;
// Largest payload Go's mux sends in one frame (a whole 4 MiB ttrpc message plus its header).
inline constexpr size_t kMuxMaxPayload = 10 + (size_t{4} << 20);
// What we send to containerd per frame: its ttrpc reads each logical connection through a
// 4096-byte bufio.Reader, and Go's mux fails a Read into a smaller buffer than the frame
// (nri-protocol.md §2.3). One ttrpc message never shares a frame with another.
inline constexpr size_t kMuxSendLimit = 4096;

// Appends `data` (one whole ttrpc frame) as mux frames of at most kMuxSendLimit bytes each.
void AppendMuxFrames(std::string& out, uint32_t conn_id, std::string_view data);

struct MuxFrame {
  uint32_t conn_id = 0;
  std::string payload;
};

// Splits the trunk into mux frames. A frame longer than kMuxMaxPayload is a protocol error
// (nothing valid can follow it); everything else, including conn id 0, is returned for the
// caller to route or drop (Go drops frames of connections nobody opened).
class MuxDecoder {
 public:
  void Feed(std::string_view bytes);
  absl::StatusOr<std::optional<MuxFrame>> Next();
  size_t buffered() const { return buffer_.size() - start_; }

 private:
  std::string buffer_;
  size_t start_ = 0;
};

}  // namespace c8s::ttrpc
