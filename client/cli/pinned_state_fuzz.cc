// libFuzzer: c8sctl's state record (cds.json) is read back from disk on every command; a
// damaged or hostile file must be refused with a status, never crash, and what parses must
// write back to a record that parses to the same.
#include <cstdint>
#include <cstdlib>

#include "client/cli/state_dir.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto pinned = c8s::cli::ParsePinnedCds(text);
  if (!pinned.ok()) return 0;
  std::string again = c8s::cli::PinnedCdsToJson(*pinned);
  auto back = c8s::cli::ParsePinnedCds(again);
  if (!back.ok() || c8s::cli::PinnedCdsToJson(*back) != again) std::abort();
  return 0;
}
