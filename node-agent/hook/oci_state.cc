#include "node-agent/hook/oci_state.h"

#include "lib/base/status.h"
#include "lib/base/strings.h"
#include "node-agent/hook/oci_json.h"

namespace c8s::hook {
namespace {

absl::Status Bad(std::string_view field, std::string_view problem) {
  return absl::InvalidArgumentError(StrCat("OCI state: ", field, ": ", problem));
}

absl::Status RequiredString(const nlohmann::json& doc, const char* key, std::string* out) {
  auto it = doc.find(key);
  if (it == doc.end()) return Bad(key, "missing");
  if (!it->is_string()) return Bad(key, "must be a string");
  *out = it->get<std::string>();
  return absl::OkStatus();
}

}  // namespace

absl::Status CheckContainerId(std::string_view id) {
  if (id.empty() || id.size() > 1024) {
    return absl::InvalidArgumentError(StrCat("container id: ", id.size(), " bytes, want 1-1024"));
  }
  for (char c : id) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '+' || c == '-' || c == '.';
    if (!ok) return absl::InvalidArgumentError("container id: characters outside [A-Za-z0-9_+.-]");
  }
  if (id == "." || id == "..") return absl::InvalidArgumentError("container id: . or ..");
  return absl::OkStatus();
}

absl::StatusOr<OciState> ParseOciState(std::string_view text) {
  ASSIGN_OR_RETURN(nlohmann::json doc, ParseOciJson(text, "OCI state"));
  OciState st;
  RETURN_IF_ERROR(RequiredString(doc, "id", &st.id));
  RETURN_IF_ERROR(Annotate(CheckContainerId(st.id), "OCI state"));
  RETURN_IF_ERROR(RequiredString(doc, "bundle", &st.bundle));
  if (st.bundle.empty() || st.bundle[0] != '/') return Bad("bundle", "must be an absolute path");
  RETURN_IF_ERROR(RequiredString(doc, "status", &st.status));
  if (auto it = doc.find("ociVersion"); it != doc.end()) {
    if (!it->is_string()) return Bad("ociVersion", "must be a string");
    st.oci_version = it->get<std::string>();
  }
  if (auto it = doc.find("pid"); it != doc.end() && !it->is_null()) {
    if (!it->is_number_integer() || it->get<int64_t>() < 0 || it->get<int64_t>() > INT32_MAX) {
      return Bad("pid", "must be a non-negative integer");
    }
    st.pid = it->get<int64_t>();
  }
  if (auto it = doc.find("annotations"); it != doc.end() && !it->is_null()) {
    if (!it->is_object()) return Bad("annotations", "must be an object");
    for (const auto& [k, v] : it->items()) {
      if (!v.is_string()) return Bad(StrCat("annotations.", k), "must be a string");
      st.annotations[k] = v.get<std::string>();
    }
  }
  return st;
}

}  // namespace c8s::hook
