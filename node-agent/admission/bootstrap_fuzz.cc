// Fuzzes the bootstrap allow-list parser: any input gives a list or an error, and a parsed
// list written back parses to itself.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "node-agent/admission/bootstrap.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto list = c8s::admission::ParseBootstrapAllowListText(text);
  if (!list.ok()) return 0;
  auto again = c8s::admission::ParseBootstrapAllowList(c8s::admission::ToJson(*list));
  if (!again.ok() || !(*again == *list)) std::abort();
  return 0;
}
