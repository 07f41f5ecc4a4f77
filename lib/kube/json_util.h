// Type-safe field reads from untrusted JSON: nlohmann's value() throws when a field exists
// with another type; these return the default instead.
//
//   std::string name = GetString(obj["metadata"], "name");   // "" when absent or not a string
#pragma once

#include <string>

#include "nlohmann/json.hpp"

namespace c8s::kube {

inline std::string GetString(const nlohmann::json& obj, const std::string& key,
                             const std::string& def = "") {
  if (!obj.is_object()) return def;
  auto it = obj.find(key);
  return it != obj.end() && it->is_string() ? it->get<std::string>() : def;
}

inline bool GetBool(const nlohmann::json& obj, const std::string& key, bool def) {
  if (!obj.is_object()) return def;
  auto it = obj.find(key);
  return it != obj.end() && it->is_boolean() ? it->get<bool>() : def;
}

}  // namespace c8s::kube
