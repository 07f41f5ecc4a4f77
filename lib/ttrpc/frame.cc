#include "lib/ttrpc/frame.h"

#include <algorithm>

namespace c8s::ttrpc {
namespace {

void AppendU32(std::string& out, uint32_t v) {
  char b[4] = {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8),
               static_cast<char>(v)};
  out.append(b, 4);
}

uint32_t ReadU32(const char* p) {
  auto b = reinterpret_cast<const uint8_t*>(p);
  return uint32_t{b[0]} << 24 | uint32_t{b[1]} << 16 | uint32_t{b[2]} << 8 | uint32_t{b[3]};
}

}  // namespace

void AppendFrameHeader(std::string& out, const FrameHeader& h) {
  AppendU32(out, h.length);
  AppendU32(out, h.stream_id);
  out.push_back(static_cast<char>(h.type));
  out.push_back(static_cast<char>(h.flags));
}

void AppendFrame(std::string& out, uint32_t stream_id, MessageType type, uint8_t flags,
                 std::string_view data) {
  AppendFrameHeader(
      out, {static_cast<uint32_t>(data.size()), stream_id, static_cast<uint8_t>(type), flags});
  out.append(data);
}

FrameHeader DecodeFrameHeader(const char* p) {
  return {ReadU32(p), ReadU32(p + 4), static_cast<uint8_t>(p[8]), static_cast<uint8_t>(p[9])};
}

void FrameDecoder::Feed(std::string_view bytes) {
  if (discard_ > 0) {
    size_t skip = std::min(discard_, bytes.size());
    discard_ -= skip;
    bytes.remove_prefix(skip);
  }
  if (bytes.empty()) return;
  // Drop consumed bytes before growing, so the buffer holds at most one frame plus a read.
  if (start_ > 0 && (start_ >= buffer_.size() / 2 || start_ > 64 * 1024)) {
    buffer_.erase(0, start_);
    start_ = 0;
  }
  buffer_.append(bytes);
}

std::optional<Frame> FrameDecoder::Next() {
  size_t available = buffer_.size() - start_;
  if (available < kFrameHeaderSize) return std::nullopt;
  FrameHeader h = DecodeFrameHeader(buffer_.data() + start_);
  if (h.length > kMaxFrameData) {
    start_ += kFrameHeaderSize;
    size_t skip = std::min<size_t>(h.length, buffer_.size() - start_);
    start_ += skip;
    discard_ = h.length - skip;
    if (discard_ > 0) {
      buffer_.clear();
      start_ = 0;
    }
    return Frame{h, {}, true};
  }
  if (available - kFrameHeaderSize < h.length) return std::nullopt;
  Frame f{h, buffer_.substr(start_ + kFrameHeaderSize, h.length), false};
  start_ += kFrameHeaderSize + h.length;
  if (start_ == buffer_.size()) {
    buffer_.clear();
    start_ = 0;
  }
  return f;
}

}  // namespace c8s::ttrpc
