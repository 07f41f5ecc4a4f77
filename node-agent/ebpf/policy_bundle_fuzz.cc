// libFuzzer target: the policy bundle parser and compiler must never crash on any input.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "node-agent/ebpf/policy_bundle.h"
#include "node-agent/ebpf/policy_compiler.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto bundle = c8s::ebpf::ParsePolicyBundle(text);
  if (bundle.ok()) (void)c8s::ebpf::CompilePolicy(*bundle, c8s::ebpf::NodeSettings{});
  return 0;
}
