#include "lib/ttrpc/mux.h"

#include <algorithm>

#include "lib/base/strings.h"

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

void AppendMuxFrames(std::string& out, uint32_t conn_id, std::string_view data) {
  do {
    size_t n = std::min(data.size(), kMuxSendLimit);
    AppendU32(out, conn_id);
    AppendU32(out, static_cast<uint32_t>(n));
    out.append(data.substr(0, n));
    data.remove_prefix(n);
  } while (!data.empty());
}

void MuxDecoder::Feed(std::string_view bytes) {
  if (start_ > 0 && (start_ >= buffer_.size() / 2 || start_ > 64 * 1024)) {
    buffer_.erase(0, start_);
    start_ = 0;
  }
  buffer_.append(bytes);
}

absl::StatusOr<std::optional<MuxFrame>> MuxDecoder::Next() {
  size_t available = buffer_.size() - start_;
  if (available < kMuxHeaderSize) return std::nullopt;
  const char* p = buffer_.data() + start_;
  uint32_t conn = ReadU32(p);
  uint32_t len = ReadU32(p + 4);
  if (len > kMuxMaxPayload) {
    return absl::InvalidArgumentError(StrCat("nri mux: frame for conn ", conn, " announces ", len,
                                             " bytes, more than the maximum ", kMuxMaxPayload));
  }
  if (available - kMuxHeaderSize < len) return std::nullopt;
  MuxFrame f{conn, buffer_.substr(start_ + kMuxHeaderSize, len)};
  start_ += kMuxHeaderSize + len;
  if (start_ == buffer_.size()) {
    buffer_.clear();
    start_ = 0;
  }
  return f;
}

}  // namespace c8s::ttrpc
