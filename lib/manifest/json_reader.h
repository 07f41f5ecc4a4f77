// Strict reading of JSON objects with JSON paths in every error (internal to lib/manifest).
//
// Every document c8s signs refuses unknown fields, so each object is opened with the list of
// its allowed members and typos fail loudly ("identities[0].runtime.privilegd: unknown field"):
//   ASSIGN_OR_RETURN(ObjectReader r, ObjectReader::Open(j, "identities[0].runtime",
//   {"privileged"})); RETURN_IF_ERROR(r.Bool("privileged", &out.privileged));
#pragma once

#include <cstdint>
#include <initializer_list>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace c8s::manifest::internal {

using Json = nlohmann::json;

// "a.b" (or "b" at the root) and "a[3]".
std::string Member(std::string_view path, std::string_view key);
std::string Element(std::string_view path, size_t index);
// InvalidArgument "<path>: <message>".
absl::Status PathError(std::string_view path, std::string_view message);

absl::Status ReadString(const Json& j, std::string_view path, std::string* out);
absl::Status ReadBool(const Json& j, std::string_view path, bool* out);
absl::Status ReadInt(const Json& j, std::string_view path, int64_t min, int64_t max, int64_t* out);
absl::Status ReadStringList(const Json& j, std::string_view path, std::vector<std::string>* out);
absl::Status ReadIntList(const Json& j, std::string_view path, int64_t min, int64_t max,
                         std::vector<int64_t>* out);
absl::Status ReadStringMap(const Json& j, std::string_view path,
                           std::map<std::string, std::string>* out);
absl::StatusOr<const Json::array_t*> ReadArray(const Json& j, std::string_view path);

class ObjectReader {
 public:
  // Fails for a non-object and for any member not in `allowed`.
  static absl::StatusOr<ObjectReader> Open(const Json& j, std::string path,
                                           std::initializer_list<std::string_view> allowed);

  const std::string& path() const { return path_; }
  std::string PathOf(std::string_view key) const { return Member(path_, key); }
  bool Has(std::string_view key) const;
  // The member, or "<path>.<key>: missing required field".
  absl::StatusOr<const Json*> Required(std::string_view key) const;

  absl::Status String(std::string_view key, std::string* out) const;
  absl::Status Bool(std::string_view key, bool* out) const;
  absl::Status Int(std::string_view key, int64_t min, int64_t max, int64_t* out) const;
  absl::Status StringList(std::string_view key, std::vector<std::string>* out) const;
  absl::Status IntList(std::string_view key, int64_t min, int64_t max,
                       std::vector<int64_t>* out) const;

 private:
  ObjectReader(const Json* j, std::string path) : json_(j), path_(std::move(path)) {}
  const Json* json_;
  std::string path_;
};

// Refuses an unsorted list or a duplicate: sets have one canonical order (model.h).
template <typename T, typename Less>
absl::Status CheckSet(const std::vector<T>& items, std::string_view path, Less less,
                      std::string (*describe)(const T&)) {
  for (size_t i = 1; i < items.size(); ++i) {
    if (less(items[i - 1], items[i])) continue;
    if (!less(items[i], items[i - 1])) {
      return PathError(Element(path, i), "duplicate entry " + describe(items[i]) +
                                             " (lists that are sets hold each entry once)");
    }
    return PathError(Element(path, i), describe(items[i]) + " sorts before " +
                                           describe(items[i - 1]) +
                                           " (lists that are sets must be sorted)");
  }
  return absl::OkStatus();
}

absl::Status CheckStringSet(const std::vector<std::string>& items, std::string_view path);
absl::Status CheckIntSet(const std::vector<int64_t>& items, std::string_view path);

}  // namespace c8s::manifest::internal
