// libFuzzer: CDS reference-value files (outside input: c8sctl verify --reference, agent
// configuration). Parse must never crash; what parses must re-parse from its own JSON form.
#include <cstdint>
#include <cstdlib>

#include "client/sdk/reference_values.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto ref = c8s::client::ParseCdsReferenceValues(text);
  if (!ref.ok()) return 0;
  auto again = c8s::client::CdsReferenceValuesFromJson(c8s::client::ToJson(*ref));
  if (!again.ok() || c8s::client::ToJson(*again) != c8s::client::ToJson(*ref)) std::abort();
  return 0;
}
