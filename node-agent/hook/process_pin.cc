#include "node-agent/hook/process_pin.h"

#include "lib/base/strings.h"
#include "node-agent/admission/decision_checks.h"

namespace c8s::hook {

// The same pin check the NRI decision makes (node-agent/admission), on the process the runtime
// will really start.
std::vector<std::string> CheckPinnedProcess(const OciProcess& process, const std::string& image,
                                            const manifest::BundleIdentity& identity) {
  admission::ContainerRequest request;
  request.container_name = "(OCI process)";
  request.args = process.args;
  request.env = process.env;
  std::vector<std::string> mismatches;
  for (const manifest::Container& c : identity.containers) {
    if (c.image != image) continue;
    absl::Status st = admission::internal::CheckPins(request, c, identity.ref);
    if (st.ok()) return {};
    mismatches.push_back(StrCat("process: ", st.message()));
  }
  if (mismatches.empty()) {
    return {StrCat("image ", image, " is not listed by identity ", identity.ref)};
  }
  return mismatches;
}

}  // namespace c8s::hook
