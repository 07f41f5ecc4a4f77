#include "test/kube-local/patch.h"

#include <algorithm>
#include <set>

#include "lib/base/strings.h"
#include "lib/kube/json_util.h"

namespace c8s::kubelocal {
namespace {

std::string MediaType(const std::string& content_type) {
  std::string t = content_type.substr(0, content_type.find(';'));
  while (!t.empty() && t.back() == ' ') t.pop_back();
  return t;
}

bool IsKeyedList(const nlohmann::json& list) {
  if (!list.is_array() || list.empty()) return false;
  return std::all_of(list.begin(), list.end(), [](const nlohmann::json& e) {
    return e.is_object() && e.contains("name") && e["name"].is_string();
  });
}

nlohmann::json MergeKeyedList(const nlohmann::json& target, const nlohmann::json& patch,
                              const nlohmann::json* order) {
  nlohmann::json out = target.is_array() ? target : nlohmann::json::array();
  for (const auto& p : patch) {
    std::string name = p["name"].get<std::string>();
    auto it = std::find_if(out.begin(), out.end(), [&](const nlohmann::json& e) {
      return e.is_object() && kube::GetString(e, "name") == name;
    });
    std::string directive = kube::GetString(p, "$patch");
    if (directive == "delete") {
      if (it != out.end()) out.erase(it);
      continue;
    }
    nlohmann::json element = p;
    element.erase("$patch");
    if (it == out.end()) {
      out.push_back(StrategicMerge(nlohmann::json::object(), element));
    } else if (directive == "replace") {
      *it = element;
    } else {
      *it = StrategicMerge(*it, element);
    }
  }
  if (order != nullptr && order->is_array()) {
    // $setElementOrder: the listed names first, in that order, then the rest as they were.
    nlohmann::json sorted = nlohmann::json::array();
    std::set<std::string> placed;
    for (const auto& o : *order) {
      if (!o.is_object() || !o.contains("name")) continue;
      for (const auto& e : out) {
        if (kube::GetString(e, "name") == kube::GetString(o, "name") &&
            placed.insert(kube::GetString(e, "name")).second) {
          sorted.push_back(e);
        }
      }
    }
    for (const auto& e : out) {
      if (!placed.count(kube::GetString(e, "name"))) sorted.push_back(e);
    }
    out = std::move(sorted);
  }
  return out;
}

}  // namespace

nlohmann::json StrategicMerge(const nlohmann::json& target, const nlohmann::json& patch) {
  if (!patch.is_object()) return patch;
  if (kube::GetString(patch, "$patch") == "replace") {
    nlohmann::json replaced = patch;
    replaced.erase("$patch");
    return replaced;
  }
  nlohmann::json out = target.is_object() ? target : nlohmann::json::object();
  if (kube::GetString(patch, "$patch") == "delete") return nlohmann::json::object();
  for (auto it = patch.begin(); it != patch.end(); ++it) {
    const std::string& key = it.key();
    if (key == "$patch" || key == "$retainKeys" || key.rfind("$setElementOrder/", 0) == 0) {
      continue;
    }
    if (key.rfind("$deleteFromPrimitiveList/", 0) == 0) {
      std::string list = key.substr(std::string("$deleteFromPrimitiveList/").size());
      if (out.contains(list) && out[list].is_array() && it->is_array()) {
        nlohmann::json kept = nlohmann::json::array();
        for (const auto& v : out[list]) {
          if (std::find(it->begin(), it->end(), v) == it->end()) kept.push_back(v);
        }
        out[list] = kept;
      }
      continue;
    }
    if (it->is_null()) {
      out.erase(key);
    } else if (it->is_object()) {
      out[key] = StrategicMerge(out.contains(key) ? out[key] : nlohmann::json(), *it);
    } else if (IsKeyedList(*it) && (!out.contains(key) || out[key].is_array())) {
      std::string order_key = "$setElementOrder/" + key;
      const nlohmann::json* order = patch.contains(order_key) ? &patch[order_key] : nullptr;
      out[key] = MergeKeyedList(out.contains(key) ? out[key] : nlohmann::json(), *it, order);
    } else {
      out[key] = *it;
    }
  }
  if (patch.contains("$retainKeys") && patch["$retainKeys"].is_array()) {
    const nlohmann::json& keep = patch["$retainKeys"];
    for (auto it = out.begin(); it != out.end();) {
      if (std::find(keep.begin(), keep.end(), it.key()) == keep.end()) {
        it = out.erase(it);
      } else {
        ++it;
      }
    }
  }
  return out;
}

bool IsSupportedPatchType(const std::string& content_type) {
  std::string t = MediaType(content_type);
  return t == "application/merge-patch+json" || t == "application/json-patch+json" ||
         t == "application/strategic-merge-patch+json";
}

absl::StatusOr<nlohmann::json> ApplyPatch(const std::string& content_type,
                                          const nlohmann::json& current, const std::string& body) {
  nlohmann::json patch = nlohmann::json::parse(body, nullptr, false);
  if (patch.is_discarded()) {
    return absl::InvalidArgumentError("error decoding patch: invalid JSON");
  }
  std::string t = MediaType(content_type);
  if (t == "application/merge-patch+json") {
    if (!patch.is_object()) return absl::InvalidArgumentError("merge patch: not a JSON object");
    nlohmann::json out = current;
    out.merge_patch(patch);
    return out;
  }
  if (t == "application/strategic-merge-patch+json") {
    if (!patch.is_object()) {
      return absl::InvalidArgumentError("strategic merge patch: not a JSON object");
    }
    return StrategicMerge(current, patch);
  }
  if (t == "application/json-patch+json") {
    if (!patch.is_array()) return absl::InvalidArgumentError("json patch: not a JSON array");
    nlohmann::json out = nlohmann::json::parse(current.dump());
    auto result = nlohmann::json::parse("null");
    // nlohmann throws on a failing test/remove: report it as a 422-style message instead.
    try {
      result = out.patch(patch);
    } catch (const nlohmann::json::exception& e) {
      return absl::InvalidArgumentError(StrCat("json patch: ", e.what()));
    }
    return result;
  }
  return absl::UnimplementedError(StrCat("unsupported patch type ", t));
}

}  // namespace c8s::kubelocal
