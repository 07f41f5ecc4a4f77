// PATCH bodies and printer-column JSONPaths reach c8s-kube-local from clients and CRDs.
// Input: first byte picks the patch type; the rest is the body (also tried as a JSONPath).
#include <cstddef>
#include <cstdint>
#include <string>

#include "test/kube-local/patch.h"
#include "test/kube-local/table.h"
#include "test/kube-local/validation.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  static const char* kTypes[] = {"application/merge-patch+json", "application/json-patch+json",
                                 "application/strategic-merge-patch+json"};
  std::string body(reinterpret_cast<const char*>(data) + 1, size - 1);
  nlohmann::json current = {{"metadata", {{"name", "x"}}},
                            {"spec", {{"containers", {{{"name", "a"}, {"image", "i"}}}}}}};
  auto patched = c8s::kubelocal::ApplyPatch(kTypes[data[0] % 3], current, body);
  (void)c8s::kubelocal::EvalJsonPath(body, current);
  if (patched.ok()) {
    nlohmann::json schema = nlohmann::json::parse(body, nullptr, false);
    if (!schema.is_discarded()) (void)c8s::kubelocal::ApplySchema(schema, &*patched);
  }
  return 0;
}
