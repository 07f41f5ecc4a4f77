// Fuzzes the image reference parser (the io.kubernetes.cri.image-name annotation is outside
// input): any string parses or is refused, and a parsed reference re-parses to itself.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "node-agent/admission/image_ref.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  auto ref = c8s::admission::ParseImageReference(in);
  if (!ref.ok()) return 0;
  auto again = c8s::admission::ParseImageReference(ref->Normalized());
  if (!again.ok()) std::abort();
  c8s::admission::ImageReference want = *ref;
  if (want.tag.empty() && want.digest.empty()) want.tag = "latest";
  if (!(*again == want)) std::abort();
  return 0;
}
