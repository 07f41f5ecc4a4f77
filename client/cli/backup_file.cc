#include "client/cli/backup_file.h"

#include <algorithm>
#include <set>

#include "cds/recovery.h"
#include "lib/base/status.h"
#include "lib/base/strings.h"
#include "lib/crypto/jcs.h"
#include "lib/manifest/serialize.h"

namespace c8s::cli {
namespace {

absl::Status Bad(std::string_view field, std::string_view why) {
  return absl::InvalidArgumentError(StrCat("backup ", field, ": ", why));
}

bool IsSha256Ref(std::string_view s) {
  return s.size() == 71 && s.substr(0, 7) == "sha256:" &&
         std::all_of(s.begin() + 7, s.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

// Storage object names as the CDS writes them: [a-z0-9.-], 1-128 characters.
bool IsObjectName(std::string_view n) {
  return !n.empty() && n.size() <= 128 && n != "." && n != ".." &&
         std::all_of(n.begin(), n.end(), [](char c) {
           return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
                  c == '_';
         });
}

absl::Status Keys(const nlohmann::json& j, std::string_view where,
                  std::initializer_list<std::string_view> want) {
  if (!j.is_object()) return Bad(where, "must be an object");
  for (const auto& [k, v] : j.items()) {
    if (std::find(want.begin(), want.end(), k) == want.end()) {
      return Bad(StrCat(where, where.empty() ? "" : ".", k), "unknown field");
    }
  }
  for (std::string_view k : want) {
    if (!j.contains(std::string(k)))
      return Bad(StrCat(where, where.empty() ? "" : ".", k), "missing");
  }
  return absl::OkStatus();
}

}  // namespace

std::string BackupToJson(const Backup& b) {
  nlohmann::json objects = nlohmann::json::array();
  for (const client::StoredObject& o : b.objects) {
    objects.push_back({{"name", o.name}, {"blob", Base64Encode(o.blob)}});
  }
  nlohmann::json doc = {
      {"apiVersion", std::string(kBackupApiVersion)},
      {"cluster", b.cluster},
      {"createdAt", b.created_at},
      {"head", {{"generation", b.head.generation}, {"entryHash", b.head.entry_hash}}},
      {"objects", objects}};
  return manifest::PrettyJson(doc) + "\n";
}

absl::StatusOr<Backup> ParseBackup(std::string_view text) {
  absl::StatusOr<nlohmann::json> parsed = crypto::ParseStrictJson(text, 8);
  if (!parsed.ok()) return Bad("", std::string(parsed.status().message()));
  const nlohmann::json& j = *parsed;
  RETURN_IF_ERROR(Keys(j, "", {"apiVersion", "cluster", "createdAt", "head", "objects"}));
  if (j["apiVersion"] != kBackupApiVersion) {
    return Bad("apiVersion", StrCat("want ", kBackupApiVersion));
  }
  Backup b;
  if (!j["cluster"].is_string() || !IsSha256Ref(j["cluster"].get<std::string>())) {
    return Bad("cluster", "want sha256:<64 hex>");
  }
  b.cluster = j["cluster"].get<std::string>();
  if (!j["createdAt"].is_string()) return Bad("createdAt", "must be a string");
  b.created_at = j["createdAt"].get<std::string>();
  const nlohmann::json& head = j["head"];
  RETURN_IF_ERROR(Keys(head, "head", {"generation", "entryHash"}));
  if (!head["generation"].is_number_unsigned() || !head["entryHash"].is_string() ||
      !IsSha256Ref(head["entryHash"].get<std::string>())) {
    return Bad("head", "want {\"generation\": N, \"entryHash\": \"sha256:<64 hex>\"}");
  }
  b.head = {head["generation"].get<int64_t>(), head["entryHash"].get<std::string>()};
  if (!j["objects"].is_array() || j["objects"].empty())
    return Bad("objects", "want a non-empty array");
  std::set<std::string> seen;
  for (const nlohmann::json& o : j["objects"]) {
    RETURN_IF_ERROR(Keys(o, "objects[]", {"name", "blob"}));
    if (!o["name"].is_string() || !IsObjectName(o["name"].get<std::string>())) {
      return Bad("objects[].name", "want 1-128 characters of [a-z0-9._-]");
    }
    std::string name = o["name"].get<std::string>();
    if (!seen.insert(name).second) return Bad("objects", StrCat("duplicate object \"", name, "\""));
    if (!o["blob"].is_string()) return Bad(StrCat("objects[", name, "].blob"), "not a string");
    absl::StatusOr<Bytes> blob = Base64Decode(o["blob"].get<std::string>());
    if (!blob.ok()) return Bad(StrCat("objects[", name, "].blob"), "not base64");
    b.objects.push_back({std::move(name), *std::move(blob)});
  }
  return b;
}

absl::StatusOr<std::optional<BackupEnvelopes>> RecoveryEnvelopesOf(const Backup& b) {
  for (const client::StoredObject& o : b.objects) {
    if (o.name != cds::kRecoveryObject) continue;
    absl::StatusOr<cds::RecoveryRecord> r = cds::ParseRecoveryRecord(AsChars(o.blob));
    if (!r.ok()) return Bad("objects[recovery]", std::string(r.status().message()));
    if (r->cluster != b.cluster) {
      return Bad("objects[recovery]",
                 StrCat("names cluster ", r->cluster, ", but the backup is of ", b.cluster));
    }
    BackupEnvelopes out{r->generation, {}};
    for (cds::RecoveryEnvelope& e : r->envelopes) {
      out.envelopes.push_back({std::move(e.key_name), std::move(e.public_key_pem), std::move(e.enc),
                               std::move(e.ciphertext)});
    }
    return std::optional<BackupEnvelopes>(std::move(out));
  }
  return std::optional<BackupEnvelopes>();
}

}  // namespace c8s::cli
