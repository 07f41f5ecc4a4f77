#include "test/kube-local/validation.h"

#include <map>
#include <memory>
#include <mutex>
#include <regex>

#include "lib/base/strings.h"
#include "lib/kube/json_util.h"

namespace c8s::kubelocal {
namespace {

// Compiling a std::regex costs far more than matching it, and CRD schemas repeat the same few
// patterns on every write: compile each once (null when std::regex refuses it).
std::shared_ptr<const std::regex> CompiledPattern(const std::string& pattern) {
  static std::mutex mu;
  static std::map<std::string, std::shared_ptr<const std::regex>> cache;
  std::lock_guard<std::mutex> lock(mu);
  auto it = cache.find(pattern);
  if (it != cache.end()) return it->second;
  std::shared_ptr<const std::regex> re;
  try {  // std::regex reports a bad pattern only by throwing.
    re = std::make_shared<const std::regex>(pattern, std::regex::ECMAScript);
  } catch (const std::regex_error&) {
  }
  if (cache.size() < 4096) cache.emplace(pattern, re);
  return re;
}

std::string Join(const std::string& path, const std::string& key) {
  return path.empty() ? key : path + "." + key;
}

std::string Shown(const nlohmann::json& v) {
  return v.is_string() ? "\"" + v.get<std::string>() + "\"" : v.dump();
}

bool IsNumber(const nlohmann::json& schema, const char* key) {
  return schema.contains(key) && schema[key].is_number();
}

bool TypeMatches(const std::string& type, const nlohmann::json& v) {
  if (type == "object") return v.is_object();
  if (type == "array") return v.is_array();
  if (type == "string") return v.is_string();
  if (type == "integer") return v.is_number_integer();
  if (type == "number") return v.is_number();
  if (type == "boolean") return v.is_boolean();
  return true;
}

void Walk(const nlohmann::json& schema, nlohmann::json* v, const std::string& path, bool root,
          SchemaResult* out);

void WalkObject(const nlohmann::json& schema, nlohmann::json* v, const std::string& path, bool root,
                SchemaResult* out) {
  nlohmann::json props = schema.value("properties", nlohmann::json::object());
  if (!props.is_object()) props = nlohmann::json::object();
  // Defaults first: a defaulted field then passes `required`.
  for (auto& [key, sub] : props.items()) {
    if (!v->contains(key) && sub.is_object() && sub.contains("default")) (*v)[key] = sub["default"];
  }
  if (schema.contains("required") && schema["required"].is_array()) {
    for (const auto& r : schema["required"]) {
      if (r.is_string() && !v->contains(r.get<std::string>())) {
        out->causes.push_back(
            {"FieldValueRequired", Join(path, r.get<std::string>()), "Required value"});
      }
    }
  }
  bool preserve = kube::GetBool(schema, "x-kubernetes-preserve-unknown-fields", false);
  const nlohmann::json additional = schema.value("additionalProperties", nlohmann::json());
  for (auto it = v->begin(); it != v->end();) {
    const std::string key = it.key();
    if (root && (key == "apiVersion" || key == "kind" || key == "metadata")) {
      ++it;
      continue;
    }
    if (props.contains(key)) {
      Walk(props[key], &it.value(), Join(path, key), false, out);
    } else if (additional.is_object()) {
      Walk(additional, &it.value(), Join(path, key), false, out);
    } else if (!(additional.is_boolean() && additional.get<bool>()) && !preserve) {
      out->unknown_fields.push_back(Join(path, key));
      it = v->erase(it);
      continue;
    }
    ++it;
  }
  if (IsNumber(schema, "maxProperties") && v->size() > schema["maxProperties"].get<size_t>()) {
    out->causes.push_back(
        {"FieldValueTooMany", path,
         "Too many: must have at most " + schema["maxProperties"].dump() + " items"});
  }
}

void WalkScalar(const nlohmann::json& schema, nlohmann::json* v, const std::string& path,
                SchemaResult* out) {
  if (v->is_string()) {
    const std::string s = v->get<std::string>();
    if (IsNumber(schema, "maxLength") && s.size() > schema["maxLength"].get<size_t>()) {
      out->causes.push_back(
          {"FieldValueTooLong", path,
           "Too long: may not be more than " + schema["maxLength"].dump() + " bytes"});
    }
    if (IsNumber(schema, "minLength") && s.size() < schema["minLength"].get<size_t>()) {
      out->causes.push_back({"FieldValueInvalid", path,
                             "Invalid value: " + Shown(*v) + ": should be at least " +
                                 schema["minLength"].dump() + " chars long"});
    }
    if (schema.contains("pattern") && schema["pattern"].is_string()) {
      std::shared_ptr<const std::regex> re = CompiledPattern(schema["pattern"].get<std::string>());
      if (re != nullptr && !std::regex_search(s, *re)) {
        out->causes.push_back({"FieldValueInvalid", path,
                               "Invalid value: " + Shown(*v) + ": should match '" +
                                   schema["pattern"].get<std::string>() + "'"});
      }
    }
  }
  if (v->is_number()) {
    double d = v->get<double>();
    if (IsNumber(schema, "minimum") && d < schema["minimum"].get<double>()) {
      out->causes.push_back({"FieldValueInvalid", path,
                             "Invalid value: " + v->dump() +
                                 ": should be greater than or equal to " +
                                 schema["minimum"].dump()});
    }
    if (IsNumber(schema, "maximum") && d > schema["maximum"].get<double>()) {
      out->causes.push_back({"FieldValueInvalid", path,
                             "Invalid value: " + v->dump() + ": should be less than or equal to " +
                                 schema["maximum"].dump()});
    }
  }
}

void Walk(const nlohmann::json& schema, nlohmann::json* v, const std::string& path, bool root,
          SchemaResult* out) {
  if (!schema.is_object()) return;
  if (v->is_null()) {
    if (kube::GetBool(schema, "nullable", false)) return;
    if (!root) {
      out->causes.push_back({"FieldValueTypeInvalid", path,
                             "Invalid value: \"null\": " + path + " in body must be of type " +
                                 kube::GetString(schema, "type", "object") + ": \"null\""});
    }
    return;
  }
  if (kube::GetBool(schema, "x-kubernetes-int-or-string", false)) {
    if (!v->is_string() && !v->is_number_integer()) {
      out->causes.push_back({"FieldValueTypeInvalid", path,
                             "Invalid value: " + Shown(*v) + ": " + path +
                                 " in body must be of type integer or string"});
    }
    return;
  }
  std::string type = kube::GetString(schema, "type", "");
  if (!type.empty() && !TypeMatches(type, *v)) {
    out->causes.push_back({"FieldValueTypeInvalid", path,
                           "Invalid value: " + Shown(*v) + ": " + path +
                               " in body must be of type " + type + ": " + Shown(*v)});
    return;
  }
  if (schema.contains("enum") && schema["enum"].is_array()) {
    const nlohmann::json& e = schema["enum"];
    if (std::find(e.begin(), e.end(), *v) == e.end()) {
      std::string supported;
      for (const auto& x : e) supported += (supported.empty() ? "" : ", ") + Shown(x);
      out->causes.push_back(
          {"FieldValueNotSupported", path,
           "Unsupported value: " + Shown(*v) + ": supported values: " + supported});
    }
  }
  if (v->is_object()) {
    WalkObject(schema, v, path, root, out);
  } else if (v->is_array()) {
    if (IsNumber(schema, "maxItems") && v->size() > schema["maxItems"].get<size_t>()) {
      out->causes.push_back({"FieldValueTooMany", path,
                             "Too many: " + std::to_string(v->size()) + ": must have at most " +
                                 schema["maxItems"].dump() + " items"});
    }
    if (IsNumber(schema, "minItems") && v->size() < schema["minItems"].get<size_t>()) {
      out->causes.push_back({"FieldValueInvalid", path,
                             "Invalid value: " + std::to_string(v->size()) + ": " + path +
                                 " in body should have at least " + schema["minItems"].dump() +
                                 " items"});
    }
    if (schema.contains("items")) {
      for (size_t i = 0; i < v->size(); ++i) {
        Walk(schema["items"], &(*v)[i], path + "[" + std::to_string(i) + "]", false, out);
      }
    }
  } else {
    WalkScalar(schema, v, path, out);
  }
}

}  // namespace

SchemaResult ApplySchema(const nlohmann::json& schema, nlohmann::json* object) {
  SchemaResult out;
  Walk(schema, object, "", true, &out);
  return out;
}

std::vector<FieldCause> ValidateMetadata(const nlohmann::json& object) {
  std::vector<FieldCause> causes;
  static const nlohmann::json kEmpty = nlohmann::json::object();
  const nlohmann::json& md = object.contains("metadata") ? object["metadata"] : kEmpty;
  std::string name = kube::GetString(md, "name");
  static const std::regex kSubdomain(
      "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$");
  if (name.empty()) {
    causes.push_back({"FieldValueRequired", "metadata.name",
                      "Required value: name or generateName is required"});
  } else if (name.size() > 253 || !std::regex_match(name, kSubdomain)) {
    causes.push_back(
        {"FieldValueInvalid", "metadata.name",
         "Invalid value: \"" + name +
             "\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric "
             "characters, '-' or '.', and must start and end with an alphanumeric character"});
  }
  for (const char* field : {"labels", "annotations"}) {
    if (!md.contains(field) || md[field].is_null()) continue;
    if (!md[field].is_object()) {
      causes.push_back({"FieldValueTypeInvalid", StrCat("metadata.", field),
                        "Invalid value: must be a map of strings"});
      continue;
    }
    for (auto& [k, v] : md[field].items()) {
      if (!v.is_string()) {
        causes.push_back({"FieldValueTypeInvalid", StrCat("metadata.", field, ".", k),
                          "Invalid value: must be a string"});
      }
    }
  }
  return causes;
}

}  // namespace c8s::kubelocal
