#include "node-agent/hook/oci_json.h"

#include <set>
#include <string>
#include <vector>

#include "lib/base/strings.h"

namespace c8s::hook {
namespace {

// One frame per open object (its keys) or array (no keys).
struct Frame {
  bool is_object = false;
  std::set<std::string> keys;
};

}  // namespace

absl::StatusOr<nlohmann::json> ParseOciJson(std::string_view text, std::string_view what) {
  if (text.size() > kMaxOciJsonBytes) {
    return absl::InvalidArgumentError(
        StrCat(what, ": ", text.size(), " bytes, more than the ", kMaxOciJsonBytes, " accepted"));
  }
  std::vector<Frame> stack;
  std::string problem;
  auto callback = [&](int depth, nlohmann::json::parse_event_t event, nlohmann::json& parsed) {
    using E = nlohmann::json::parse_event_t;
    if (!problem.empty()) return false;
    switch (event) {
      case E::object_start:
      case E::array_start:
        if (depth >= kMaxOciJsonDepth) {
          problem = StrCat("nested deeper than ", kMaxOciJsonDepth, " levels");
          return false;
        }
        stack.push_back(Frame{event == E::object_start, {}});
        return true;
      case E::object_end:
      case E::array_end:
        if (!stack.empty()) stack.pop_back();
        return true;
      case E::key:
        if (!stack.empty() && stack.back().is_object &&
            !stack.back().keys.insert(parsed.get<std::string>()).second) {
          problem = StrCat("duplicate key \"", parsed.get<std::string>(), "\"");
          return false;
        }
        return true;
      case E::value:
        return true;
    }
    return true;
  };
  nlohmann::json doc =
      nlohmann::json::parse(text.begin(), text.end(), callback, /*allow_exceptions=*/false);
  if (!problem.empty()) return absl::InvalidArgumentError(StrCat(what, ": ", problem));
  if (doc.is_discarded()) return absl::InvalidArgumentError(StrCat(what, ": not valid JSON"));
  if (!doc.is_object()) return absl::InvalidArgumentError(StrCat(what, ": not a JSON object"));
  return doc;
}

}  // namespace c8s::hook
