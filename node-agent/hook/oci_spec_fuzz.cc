// libFuzzer target: everything the hook gate reads from the runtime and from the hook socket
// (config.json -> spec -> runtime check, OCI state, hook request and reply) must never crash.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "node-agent/hook/hook_protocol.h"
#include "node-agent/hook/oci_json.h"
#include "node-agent/hook/oci_state.h"
#include "node-agent/hook/runtime_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)c8s::hook::ParseOciState(text);
  (void)c8s::hook::ParseHookReply(text);
  auto request = c8s::hook::ParseHookRequest(text);
  c8s::hook::HostFacts facts;
  if (request.ok()) {
    text = request->config_json;
    facts = request->facts;
  }
  auto doc = c8s::hook::ParseOciJson(text, "config.json");
  if (!doc.ok()) return 0;
  auto spec = c8s::hook::ParseOciSpec(*doc);
  if (!spec.ok()) return 0;
  c8s::manifest::RuntimePolicy policy;
  (void)c8s::hook::CheckRuntimePolicy(*spec, facts, policy, {"uid", "sandbox", {}});
  policy.privileged = true;
  (void)c8s::hook::CheckRuntimePolicy(*spec, facts, policy, {});
  return 0;
}
