// libFuzzer target: the agent configuration parser must never crash.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "node-agent/agent/config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  (void)c8s::agent::ParseAgentConfig(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
