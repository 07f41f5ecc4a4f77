// libFuzzer target: arbitrary bytes as a node policy bundle (bare, or the signed envelope
// whose signature VerifyBundle would check first). A parse must never crash; an accepted
// bundle must serialize and parse back to the same model (the JSON form is a fixed point).
// Seeds: fuzz/corpus/bundle/.
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "lib/crypto/jcs.h"
#include "lib/manifest/bundle.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace c8s;  // NOLINT
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto doc = crypto::ParseStrictJson(text);
  if (!doc.ok()) return 0;
  const nlohmann::json* bundle = &*doc;
  if (doc->is_object() && doc->contains("bundle")) bundle = &(*doc)["bundle"];
  auto parsed = manifest::ParseBundleJson(*bundle);
  if (!parsed.ok()) return 0;
  auto again = manifest::ParseBundleJson(manifest::ToJson(*parsed));
  if (!again.ok() || !(*again == *parsed) || !manifest::CanonicalBytes(*parsed).ok()) {
    std::fprintf(stderr, "bundle_fuzz: accepted bundle is not a fixed point\n");
    std::abort();
  }
  return 0;
}
