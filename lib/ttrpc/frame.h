// ttrpc frames (containerd/ttrpc PROTOCOL.md; ../shared/notes/nri-protocol.md §1.1): a 10-byte
// header [u32 BE data length][u32 BE stream id][u8 type][u8 flags], then the data.
//
//   std::string wire;
//   AppendFrame(wire, /*stream=*/1, MessageType::kRequest, 0, request_bytes);
//   FrameDecoder decoder;
//   decoder.Feed(bytes_from_socket);
//   while (std::optional<Frame> f = decoder.Next()) Handle(*f);
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace c8s::ttrpc {

inline constexpr size_t kFrameHeaderSize = 10;
// Largest data length a peer accepts (header not counted): 4 MiB, as Go's messageLengthMax.
inline constexpr size_t kMaxFrameData = size_t{4} << 20;

enum class MessageType : uint8_t { kRequest = 1, kResponse = 2, kData = 3 };
// Streaming flags; unary calls (all of NRI) send 0.
inline constexpr uint8_t kFlagRemoteClosed = 0x01;
inline constexpr uint8_t kFlagRemoteOpen = 0x02;
inline constexpr uint8_t kFlagNoData = 0x04;

struct FrameHeader {
  uint32_t length = 0;
  uint32_t stream_id = 0;
  uint8_t type = 0;
  uint8_t flags = 0;
};

struct Frame {
  FrameHeader header;
  std::string data;
  // The header announced more than kMaxFrameData: `data` is empty and the announced bytes
  // are skipped from the stream (the connection survives, as in Go's ttrpc).
  bool oversized = false;
};

void AppendFrameHeader(std::string& out, const FrameHeader& header);
// Header + data; callers keep data within kMaxFrameData.
void AppendFrame(std::string& out, uint32_t stream_id, MessageType type, uint8_t flags,
                 std::string_view data);
FrameHeader DecodeFrameHeader(const char* header);

// Reassembles frames from a byte stream (one logical connection). Never fails: every header is
// a valid frame header, oversized frames are reported and skipped; memory stays bounded by
// kMaxFrameData plus the bytes fed in one call.
class FrameDecoder {
 public:
  void Feed(std::string_view bytes);
  std::optional<Frame> Next();
  // Bytes held for an incomplete frame (tests; a closed stream with leftovers was truncated).
  size_t buffered() const { return buffer_.size() - start_; }

 private:
  std::string buffer_;
  size_t start_ = 0;
  size_t discard_ = 0;  // bytes of an oversized frame still to skip
};

}  // namespace c8s::ttrpc
