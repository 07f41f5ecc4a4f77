// Fuzzes the receive path of a socket: NRI mux frames -> per-connection ttrpc frames -> ttrpc
// envelopes, with the input cut into chunks the way read(2) may return it. Nothing may crash
// and the buffers must stay bounded.
#include <cstdint>
#include <cstdlib>
#include <map>
#include <string_view>

#include "lib/ttrpc/frame.h"
#include "lib/ttrpc/message.h"
#include "lib/ttrpc/mux.h"

namespace {

void Consume(c8s::ttrpc::FrameDecoder& d) {
  while (auto f = d.Next()) {
    if (f->data.size() > c8s::ttrpc::kMaxFrameData) std::abort();
    (void)c8s::ttrpc::DecodeRequest(f->data);
    (void)c8s::ttrpc::DecodeResponse(f->data);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  // The first byte picks the chunk size, so that reassembly across reads is exercised.
  size_t chunk = 1 + data[0] % 64;
  std::string_view in(reinterpret_cast<const char*>(data) + 1, size - 1);
  c8s::ttrpc::MuxDecoder mux;
  std::map<uint32_t, c8s::ttrpc::FrameDecoder> conns;
  c8s::ttrpc::FrameDecoder plain;
  bool mux_failed = false;
  for (size_t off = 0; off < in.size(); off += chunk) {
    std::string_view piece = in.substr(off, chunk);
    plain.Feed(piece);
    Consume(plain);
    if (mux_failed) continue;
    mux.Feed(piece);
    while (true) {
      auto next = mux.Next();
      if (!next.ok()) {
        mux_failed = true;
        break;
      }
      if (!next->has_value()) break;
      if ((*next)->payload.size() > c8s::ttrpc::kMuxMaxPayload) std::abort();
      if (conns.size() < 8 || conns.count((*next)->conn_id)) {
        auto& d = conns[(*next)->conn_id];
        d.Feed((*next)->payload);
        Consume(d);
      }
    }
  }
  return 0;
}
