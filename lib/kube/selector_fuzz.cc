// Label and field selectors come from query strings and CRs: parse anything without crashing.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "lib/kube/selector.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto labels = c8s::kube::LabelSelector::Parse(text);
  if (labels.ok()) {
    labels->Matches({{"app", "web"}, {"env", "prod"}});
    auto again = c8s::kube::LabelSelector::Parse(labels->ToString());
    if (!again.ok()) __builtin_trap();  // what we print must parse back
  }
  auto fields = c8s::kube::FieldSelector::Parse(text);
  if (fields.ok()) fields->Matches({{"metadata", {{"name", "x"}}}});
  return 0;
}
