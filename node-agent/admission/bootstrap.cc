#include "node-agent/admission/bootstrap.h"

#include <set>

#include "lib/base/status.h"
#include "lib/base/strings.h"
#include "lib/crypto/jcs.h"

namespace c8s::admission {
namespace {

using Json = nlohmann::json;

std::string Join(std::string_view path, std::string_view key) {
  return path.empty() ? std::string(key) : StrCat(path, ".", key);
}

absl::Status PathError(std::string_view path, std::string_view message) {
  return absl::InvalidArgumentError(
      StrCat(path.empty() ? "bootstrap allow-list" : path, ": ", message));
}

// The fields a bootstrap entry may leave out, with the value they mean.
const std::vector<std::pair<std::string, Json>>& OptionalEntryFields() {
  static const auto* fields = new std::vector<std::pair<std::string, Json>>{
      {"ports", Json::array()}, {"allowFrom", Json::array()}, {"egress", Json::array()}};
  return *fields;
}

absl::Status ParseEntry(const Json& j, const std::string& path, manifest::BundleIdentity* out) {
  if (!j.is_object()) return PathError(path, "must be an object");
  Json full = j;
  for (const auto& [key, value] : OptionalEntryFields()) {
    if (!full.contains(key)) full[key] = value;
  }
  return manifest::ParseBundleIdentityJson(full, path, out);
}

}  // namespace

absl::StatusOr<BootstrapAllowList> ParseBootstrapAllowList(const Json& doc, std::string_view path) {
  if (!doc.is_object()) return PathError(path, "must be an object");
  for (const auto& [key, value] : doc.items()) {
    if (key != "apiVersion" && key != "entries") {
      return PathError(Join(path, key), "unknown field (allowed: apiVersion, entries)");
    }
  }
  auto version = doc.find("apiVersion");
  if (version == doc.end()) return PathError(Join(path, "apiVersion"), "missing required field");
  if (!version->is_string() || version->get<std::string>() != kBootstrapApiVersion) {
    return PathError(Join(path, "apiVersion"),
                     StrCat(version->dump(), " is not \"", kBootstrapApiVersion, "\""));
  }
  auto entries = doc.find("entries");
  std::string entries_path = Join(path, "entries");
  if (entries == doc.end()) return PathError(entries_path, "missing required field");
  if (!entries->is_array()) return PathError(entries_path, "must be an array");
  BootstrapAllowList list;
  list.entries.resize(entries->size());
  std::set<std::string> refs;
  for (size_t i = 0; i < entries->size(); ++i) {
    std::string entry_path = StrCat(entries_path, "[", i, "]");
    RETURN_IF_ERROR(ParseEntry((*entries)[i], entry_path, &list.entries[i]));
    if (!refs.insert(list.entries[i].ref).second) {
      return PathError(Join(entry_path, "ref"),
                       StrCat("duplicate ref \"", list.entries[i].ref, "\""));
    }
  }
  return list;
}

absl::StatusOr<BootstrapAllowList> ParseBootstrapAllowListText(std::string_view text) {
  auto doc = crypto::ParseStrictJson(text);
  if (!doc.ok()) return Annotate(doc.status(), "bootstrap allow-list");
  return ParseBootstrapAllowList(*doc);
}

Json ToJson(const BootstrapAllowList& list) {
  Json entries = Json::array();
  for (const manifest::BundleIdentity& id : list.entries) entries.push_back(manifest::ToJson(id));
  return {{"apiVersion", std::string(kBootstrapApiVersion)}, {"entries", entries}};
}

}  // namespace c8s::admission
