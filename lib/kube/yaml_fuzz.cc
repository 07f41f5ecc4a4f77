// YAML manifests and kubeconfigs are outside input: convert anything without crashing,
// hanging or expanding without bound (aliases, parser stalls: see yaml.cc).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "lib/kube/config.h"
#include "lib/kube/yaml.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)c8s::kube::YamlToJson(text);
  (void)c8s::kube::ParseKubeconfig(text, "/nonexistent");
  return 0;
}
