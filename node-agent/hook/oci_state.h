// The OCI state a runtime writes to a hook's stdin (runtime-spec "State"): which container, in
// which bundle, with which init pid.
//
//   ASSIGN_OR_RETURN(OciState st, ParseOciState(stdin_text));
//   std::string config = st.bundle + "/config.json";
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace c8s::hook {

struct OciState {
  std::string oci_version;
  std::string id;
  std::string status;  // "creating" for createRuntime hooks
  int64_t pid = 0;
  std::string bundle;  // absolute path of the bundle directory
  std::map<std::string, std::string> annotations;
};

// Container IDs as runc accepts them: 1-1024 of [A-Za-z0-9_+.-] (no '/', no "..").
absl::Status CheckContainerId(std::string_view id);

// Strict on what the gate relies on: id, bundle (absolute) and a string status are required.
absl::StatusOr<OciState> ParseOciState(std::string_view text);

}  // namespace c8s::hook
