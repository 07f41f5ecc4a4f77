// Fuzzes ParseStrictJson + CanonicalJson: neither may crash, and every canonical form must
// re-parse and canonicalize to exactly itself (RFC 8785 output is a fixed point).
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "lib/crypto/jcs.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto doc = c8s::crypto::ParseStrictJson(text);
  if (!doc.ok()) return 0;
  auto canon = c8s::crypto::CanonicalJson(*doc);
  if (!canon.ok()) return 0;  // e.g. 1e20: parseable, but refused as an integer beyond 2^53
  auto again = c8s::crypto::ParseStrictJson(*canon);
  if (!again.ok()) {
    std::fprintf(stderr, "canonical form does not re-parse: %s\n",
                 std::string(again.status().message()).c_str());
    std::abort();
  }
  auto canon2 = c8s::crypto::CanonicalJson(*again);
  if (!canon2.ok() || *canon2 != *canon) {
    std::fprintf(stderr, "canonical form is not a fixed point\n");
    std::abort();
  }
  return 0;
}
