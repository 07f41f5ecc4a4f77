#include "lib/kube/yaml.h"

#include <yaml-cpp/yaml.h>

#include <cstdlib>
#include <regex>

#include "lib/base/status.h"
#include "lib/base/strings.h"

namespace c8s::kube {
namespace {

nlohmann::json Scalar(const YAML::Node& node) {
  const std::string& s = node.Scalar();
  if (node.Tag() == "!") return s;  // quoted
  if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL") return nullptr;
  if (s == "true" || s == "True" || s == "TRUE") return true;
  if (s == "false" || s == "False" || s == "FALSE") return false;
  static const std::regex kInt("^[-+]?[0-9]+$");
  static const std::regex kFloat("^[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?$");
  if (std::regex_match(s, kInt) && s.size() < 19) return std::strtoll(s.c_str(), nullptr, 10);
  if (std::regex_match(s, kFloat)) return std::strtod(s.c_str(), nullptr);
  return s;
}

// `budget` bounds the nodes produced: aliases can make a small document expand
// exponentially ("billion laughs").
absl::StatusOr<nlohmann::json> Convert(const YAML::Node& node, int depth, int64_t* budget) {
  if (depth > 100) return absl::InvalidArgumentError("yaml: nesting deeper than 100");
  if (--*budget < 0) return absl::InvalidArgumentError("yaml: document expands to too many nodes");
  switch (node.Type()) {
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      return nullptr;
    case YAML::NodeType::Scalar:
      return Scalar(node);
    case YAML::NodeType::Sequence: {
      nlohmann::json arr = nlohmann::json::array();
      for (const auto& item : node) {
        ASSIGN_OR_RETURN(nlohmann::json v, Convert(item, depth + 1, budget));
        arr.push_back(std::move(v));
      }
      return arr;
    }
    case YAML::NodeType::Map: {
      nlohmann::json obj = nlohmann::json::object();
      for (const auto& kv : node) {
        if (!kv.first.IsScalar()) return absl::InvalidArgumentError("yaml: non-scalar map key");
        ASSIGN_OR_RETURN(nlohmann::json v, Convert(kv.second, depth + 1, budget));
        obj[kv.first.Scalar()] = std::move(v);
      }
      return obj;
    }
  }
  return nullptr;
}

}  // namespace

absl::StatusOr<std::vector<nlohmann::json>> YamlToJson(std::string_view text) {
  std::vector<YAML::Node> docs;
  // yaml-cpp reports syntax errors only by throwing; turn them into a Status here.
  try {
    docs = YAML::LoadAll(std::string(text));
  } catch (const YAML::Exception& e) {
    return absl::InvalidArgumentError(StrCat("yaml: ", e.what()));
  }
  std::vector<nlohmann::json> out;
  int64_t budget = 1 << 20;
  for (const YAML::Node& d : docs) {
    if (d.IsNull()) continue;
    ASSIGN_OR_RETURN(nlohmann::json j, Convert(d, 0, &budget));
    out.push_back(std::move(j));
  }
  return out;
}

}  // namespace c8s::kube
