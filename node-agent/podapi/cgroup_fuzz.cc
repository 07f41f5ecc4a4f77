// libFuzzer target: /proc/<pid>/cgroup parsing (the pod API's caller identification) must never
// crash, and a found ID is always 64 lowercase hex.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "node-agent/podapi/peer.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)c8s::podapi::CgroupV2Path(text);
  auto id = c8s::podapi::ContainerIdFromCgroups(text);
  if (id.ok() && id->size() != 64) std::abort();
  return 0;
}
