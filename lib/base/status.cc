#include "lib/base/status.h"

#include "lib/base/strings.h"

namespace c8s {

absl::Status Annotate(const absl::Status& status, std::string_view context) {
  if (status.ok()) return status;
  return absl::Status(status.code(), StrCat(context, ": ", status.message()));
}

}  // namespace c8s
