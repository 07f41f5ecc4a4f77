// libFuzzer: `c8sctl recover --backup FILE` reads a backup that may have been kept anywhere;
// a damaged or hostile file is refused with a status, and what parses writes back to itself.
#include <cstdint>
#include <cstdlib>

#include "client/cli/backup_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto backup = c8s::cli::ParseBackup(text);
  if (!backup.ok()) return 0;
  (void)c8s::cli::RecoveryEnvelopesOf(*backup);
  std::string again = c8s::cli::BackupToJson(*backup);
  auto back = c8s::cli::ParseBackup(again);
  if (!back.ok() || c8s::cli::BackupToJson(*back) != again) std::abort();
  return 0;
}
