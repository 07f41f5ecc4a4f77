#include "lib/manifest/json_reader.h"

#include <algorithm>

#include "lib/base/status.h"
#include "lib/base/strings.h"

namespace c8s::manifest::internal {
namespace {

std::string_view TypeName(const Json& j) {
  if (j.is_number_integer()) return "integer";
  return j.type_name();
}

absl::Status WrongType(const Json& j, std::string_view path, std::string_view want) {
  return PathError(path, StrCat("expected ", want, ", got ", TypeName(j)));
}

std::string Quote(const std::string& s) { return StrCat("\"", s, "\""); }
std::string IntText(const int64_t& v) { return std::to_string(v); }

}  // namespace

std::string Member(std::string_view path, std::string_view key) {
  if (path.empty()) return std::string(key);
  return StrCat(path, ".", key);
}

std::string Element(std::string_view path, size_t index) { return StrCat(path, "[", index, "]"); }

absl::Status PathError(std::string_view path, std::string_view message) {
  return absl::InvalidArgumentError(StrCat(path.empty() ? "manifest" : path, ": ", message));
}

absl::Status ReadString(const Json& j, std::string_view path, std::string* out) {
  if (!j.is_string()) return WrongType(j, path, "string");
  *out = j.get<std::string>();
  return absl::OkStatus();
}

absl::Status ReadBool(const Json& j, std::string_view path, bool* out) {
  if (!j.is_boolean()) return WrongType(j, path, "boolean");
  *out = j.get<bool>();
  return absl::OkStatus();
}

absl::Status ReadInt(const Json& j, std::string_view path, int64_t min, int64_t max, int64_t* out) {
  if (!j.is_number_integer()) return WrongType(j, path, "integer");
  // ParseStrictJson bounds integers to |n| <= 2^53, so both representations fit int64.
  int64_t v = j.is_number_unsigned() ? static_cast<int64_t>(j.get<uint64_t>()) : j.get<int64_t>();
  if (v < min || v > max) {
    return PathError(path, StrCat("value ", v, " out of range [", min, ", ", max, "]"));
  }
  *out = v;
  return absl::OkStatus();
}

absl::StatusOr<const Json::array_t*> ReadArray(const Json& j, std::string_view path) {
  if (!j.is_array()) return WrongType(j, path, "array");
  return &j.get_ref<const Json::array_t&>();
}

absl::Status ReadStringList(const Json& j, std::string_view path, std::vector<std::string>* out) {
  ASSIGN_OR_RETURN(const Json::array_t* arr, ReadArray(j, path));
  out->clear();
  for (size_t i = 0; i < arr->size(); ++i) {
    std::string s;
    RETURN_IF_ERROR(ReadString((*arr)[i], Element(path, i), &s));
    out->push_back(std::move(s));
  }
  return absl::OkStatus();
}

absl::Status ReadIntList(const Json& j, std::string_view path, int64_t min, int64_t max,
                         std::vector<int64_t>* out) {
  ASSIGN_OR_RETURN(const Json::array_t* arr, ReadArray(j, path));
  out->clear();
  for (size_t i = 0; i < arr->size(); ++i) {
    int64_t v = 0;
    RETURN_IF_ERROR(ReadInt((*arr)[i], Element(path, i), min, max, &v));
    out->push_back(v);
  }
  return absl::OkStatus();
}

absl::Status ReadStringMap(const Json& j, std::string_view path,
                           std::map<std::string, std::string>* out) {
  if (!j.is_object()) return WrongType(j, path, "object");
  out->clear();
  for (const auto& [key, value] : j.items()) {
    std::string s;
    RETURN_IF_ERROR(ReadString(value, Member(path, key), &s));
    out->emplace(key, std::move(s));
  }
  return absl::OkStatus();
}

absl::StatusOr<ObjectReader> ObjectReader::Open(const Json& j, std::string path,
                                                std::initializer_list<std::string_view> allowed) {
  if (!j.is_object()) return WrongType(j, path, "object");
  for (const auto& [key, value] : j.items()) {
    if (std::find(allowed.begin(), allowed.end(), std::string_view(key)) == allowed.end()) {
      return PathError(Member(path, key), "unknown field");
    }
  }
  return ObjectReader(&j, std::move(path));
}

bool ObjectReader::Has(std::string_view key) const { return json_->contains(std::string(key)); }

absl::StatusOr<const Json*> ObjectReader::Required(std::string_view key) const {
  auto it = json_->find(std::string(key));
  if (it == json_->end()) return PathError(PathOf(key), "missing required field");
  return &*it;
}

absl::Status ObjectReader::String(std::string_view key, std::string* out) const {
  ASSIGN_OR_RETURN(const Json* j, Required(key));
  return ReadString(*j, PathOf(key), out);
}

absl::Status ObjectReader::Bool(std::string_view key, bool* out) const {
  ASSIGN_OR_RETURN(const Json* j, Required(key));
  return ReadBool(*j, PathOf(key), out);
}

absl::Status ObjectReader::Int(std::string_view key, int64_t min, int64_t max, int64_t* out) const {
  ASSIGN_OR_RETURN(const Json* j, Required(key));
  return ReadInt(*j, PathOf(key), min, max, out);
}

absl::Status ObjectReader::StringList(std::string_view key, std::vector<std::string>* out) const {
  ASSIGN_OR_RETURN(const Json* j, Required(key));
  return ReadStringList(*j, PathOf(key), out);
}

absl::Status ObjectReader::IntList(std::string_view key, int64_t min, int64_t max,
                                   std::vector<int64_t>* out) const {
  ASSIGN_OR_RETURN(const Json* j, Required(key));
  return ReadIntList(*j, PathOf(key), min, max, out);
}

absl::Status CheckStringSet(const std::vector<std::string>& items, std::string_view path) {
  return CheckSet(items, path, std::less<std::string>(), &Quote);
}

absl::Status CheckIntSet(const std::vector<int64_t>& items, std::string_view path) {
  return CheckSet(items, path, std::less<int64_t>(), &IntText);
}

}  // namespace c8s::manifest::internal
