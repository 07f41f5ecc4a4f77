// Fuzzes the NRI message decoders the plugin runs on containerd's requests: any bytes decode
// or are refused, and decoded messages re-encode to bytes that decode to the same message.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "node-agent/nri/api.h"
#include "node-agent/nri/plugin.h"

namespace {

template <typename T, typename Decode, typename Encode>
void RoundTrip(std::string_view in, Decode decode, Encode encode) {
  absl::StatusOr<T> m = decode(in);
  if (!m.ok()) return;
  absl::StatusOr<T> again = decode(encode(*m));
  if (!again.ok() || !(*again == *m)) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace c8s::nri;  // NOLINT
  std::string_view in(reinterpret_cast<const char*>(data), size);
  RoundTrip<PodContainerRequest>(in, DecodePodContainerRequest, EncodePodContainerRequest);
  RoundTrip<SynchronizeRequest>(in, DecodeSynchronizeRequest, EncodeSynchronizeRequest);
  RoundTrip<ConfigureRequest>(in, DecodeConfigureRequest, EncodeConfigureRequest);
  RoundTrip<StateChangeEvent>(in, DecodeStateChangeEvent, EncodeStateChangeEvent);
  RoundTrip<RegisterPluginRequest>(in, DecodeRegisterPluginRequest, EncodeRegisterPluginRequest);
  if (auto req = DecodePodContainerRequest(in); req.ok()) {
    (void)ToContainerRequest(req->pod, req->container);
  }
  return 0;
}
