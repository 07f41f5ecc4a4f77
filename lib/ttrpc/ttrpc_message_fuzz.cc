// Fuzzes the ttrpc envelope decoders: any bytes give a message or an error, and what decodes
// re-encodes to bytes that decode to the same message.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "lib/ttrpc/message.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  if (auto r = c8s::ttrpc::DecodeRequest(in); r.ok()) {
    auto again = c8s::ttrpc::DecodeRequest(c8s::ttrpc::EncodeRequest(*r));
    if (!again.ok() || !(*again == *r)) std::abort();
  }
  if (auto r = c8s::ttrpc::DecodeResponse(in); r.ok()) {
    auto again = c8s::ttrpc::DecodeResponse(c8s::ttrpc::EncodeResponse(*r));
    if (!again.ok() || !(*again == *r)) std::abort();
    (void)c8s::ttrpc::StatusFromRpc(r->status);
  }
  return 0;
}
