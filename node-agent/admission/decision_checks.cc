#include "node-agent/admission/decision_checks.h"

#include "lib/base/strings.h"

namespace c8s::admission::internal {
namespace {

bool IsEnvNameChar(char c) { return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'; }

bool AllEnvNameChars(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!IsEnvNameChar(c)) return false;
  }
  return true;
}

bool AllDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// "<N>_<PROTO>[_PROTO|_PORT|_ADDR]" after "<SVC>_PORT_".
bool IsPortLinkSuffix(std::string_view s) {
  size_t us = s.find('_');
  if (us == std::string_view::npos || !AllDigits(s.substr(0, us))) return false;
  std::string_view rest = s.substr(us + 1);
  for (std::string_view proto : {"TCP", "UDP", "SCTP"}) {
    if (!rest.starts_with(proto)) continue;
    std::string_view tail = rest.substr(proto.size());
    if (tail.empty() || tail == "_PROTO" || tail == "_PORT" || tail == "_ADDR") return true;
  }
  return false;
}

std::string Quote(std::string_view s) { return StrCat("\"", s, "\""); }

}  // namespace

bool IsRuntimeInjectedEnv(std::string_view name) {
  if (name == "HOSTNAME" || name.starts_with("KUBERNETES_")) return true;
  if (!AllEnvNameChars(name)) return false;
  for (std::string_view marker : {"_SERVICE_HOST", "_SERVICE_PORT"}) {
    size_t pos = name.find(marker);
    if (pos == 0 || pos == std::string_view::npos) continue;
    std::string_view tail = name.substr(pos + marker.size());
    if (tail.empty() || (marker == "_SERVICE_PORT" && tail.size() > 1 && tail[0] == '_')) {
      return true;
    }
  }
  size_t pos = name.rfind("_PORT");
  while (pos != std::string_view::npos && pos > 0) {
    std::string_view tail = name.substr(pos + 5);
    if (tail.empty() || (tail[0] == '_' && IsPortLinkSuffix(tail.substr(1)))) return true;
    pos = name.rfind("_PORT", pos - 1);
  }
  return false;
}

absl::Status CheckPins(const ContainerRequest& r, const manifest::Container& pinned,
                       const std::string& identity) {
  if (pinned.args && *pinned.args != r.args) {
    return absl::PermissionDeniedError(StrCat(
        "args ", DescribeList(r.args), " of container ", r.container_name, " differ from ",
        DescribeList(*pinned.args), " pinned by identity ", identity, " for ", pinned.image));
  }
  if (!pinned.env) return absl::OkStatus();
  std::map<std::string, std::string> seen;
  for (const std::string& entry : r.env) {
    size_t eq = entry.find('=');
    std::string name = entry.substr(0, eq);
    std::string value = eq == std::string::npos ? "" : entry.substr(eq + 1);
    auto want = pinned.env->find(name);
    if (want == pinned.env->end()) {
      if (IsRuntimeInjectedEnv(name)) continue;
      return absl::PermissionDeniedError(StrCat("environment variable ", name, " of container ",
                                                r.container_name, " is not pinned by identity ",
                                                identity, " for ", pinned.image));
    }
    if (want->second != value) {
      return absl::PermissionDeniedError(StrCat(
          "environment variable ", name, "=", Quote(value), " of container ", r.container_name,
          " differs from ", Quote(want->second), " pinned by identity ", identity));
    }
    seen[name] = value;
  }
  for (const auto& [name, value] : *pinned.env) {
    if (!seen.count(name)) {
      return absl::PermissionDeniedError(StrCat("environment variable ", name,
                                                " pinned by identity ", identity,
                                                " is missing from container ", r.container_name));
    }
  }
  return absl::OkStatus();
}

std::string DescribeLabels(const std::map<std::string, std::string>& labels) {
  std::string out;
  for (const auto& [k, v] : labels) out += StrCat(out.empty() ? "" : ", ", k, "=", v);
  return out.empty() ? "none" : out;
}

std::string DescribeList(const std::vector<std::string>& items) {
  std::string out = "[";
  for (size_t i = 0; i < items.size(); ++i) out += StrCat(i ? ", " : "", Quote(items[i]));
  return out + "]";
}

}  // namespace c8s::admission::internal
