#include "cds/vault_client.h"

#include <httplib.h>
#include <unistd.h>

#include "lib/base/fd.h"
#include "lib/base/status.h"
#include "lib/base/strings.h"
#include "nlohmann/json.hpp"

namespace c8s::cds {

absl::Status CheckVaultPath(std::string_view path) {
  bool ok = !path.empty() && path.size() <= 512 && path.front() != '/' &&
            path.find("..") == std::string_view::npos && path.find("//") == std::string_view::npos;
  for (char c : path) {
    ok = ok && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                c == '/' || c == '_' || c == '.' || c == '-');
  }
  if (!ok) return absl::InvalidArgumentError(StrCat("vault path \"", path, "\" not allowed"));
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<VaultClient>> VaultClient::Create(VaultOptions o) {
  bool https = o.address.rfind("https://", 0) == 0;
  bool loopback_http = o.address.rfind("http://127.0.0.1:", 0) == 0 ||
                       o.address.rfind("http://[::1]:", 0) == 0 ||
                       o.address.rfind("http://localhost:", 0) == 0;
  if (!https && !loopback_http) {
    return absl::InvalidArgumentError(
        StrCat("vault address \"", o.address, "\": want https:// (http:// only on loopback)"));
  }
  if (o.token.empty()) return absl::InvalidArgumentError("vault: empty token");
  std::string ca_file;
  if (!o.ca_pem.empty()) {
    // cpp-httplib reads trust anchors from a file; keep a private copy for this process.
    ca_file = StrCat("/tmp/c8s-cds-vault-ca.", ::getpid(), ".pem");
    RETURN_IF_ERROR(WriteFileAtomic(ca_file, o.ca_pem, 0600));
  }
  return std::unique_ptr<VaultClient>(new VaultClient(std::move(o), std::move(ca_file)));
}

absl::StatusOr<KvValue> ParseKv2Response(std::string_view body, std::string_view path,
                                         std::string_view key) {
  std::string what = StrCat("vault ", path);
  nlohmann::json doc = nlohmann::json::parse(body, nullptr, false);
  if (doc.is_discarded() || !doc.is_object() || !doc.contains("data") || !doc["data"].is_object()) {
    return absl::DataLossError(StrCat(what, ": response is not a KV v2 read (no data object)"));
  }
  const nlohmann::json& d = doc["data"];
  if (!d.contains("metadata") || !d["metadata"].is_object() || !d["metadata"].contains("version") ||
      !d["metadata"]["version"].is_number_integer()) {
    return absl::DataLossError(StrCat(what, ": response has no data.metadata.version"));
  }
  const nlohmann::json& meta = d["metadata"];
  if (meta.value("destroyed", false) ||
      (meta.contains("deletion_time") && meta["deletion_time"].is_string() &&
       !meta["deletion_time"].get<std::string>().empty())) {
    return absl::NotFoundError(
        StrCat(what, " version ", meta["version"].get<int64_t>(), " is deleted or destroyed"));
  }
  if (!d.contains("data") || !d["data"].is_object() || !d["data"].contains(std::string(key)) ||
      !d["data"][std::string(key)].is_string()) {
    return absl::NotFoundError(StrCat(what, ": no string key \"", key, "\" in data.data"));
  }
  std::string value = d["data"][std::string(key)].get<std::string>();
  return KvValue{ToBytes(value), meta["version"].get<int64_t>()};
}

absl::StatusOr<KvValue> VaultClient::Read(std::string_view path, std::string_view key,
                                          int64_t version) {
  RETURN_IF_ERROR(CheckVaultPath(path));
  httplib::Client http(options_.address);
  http.set_connection_timeout(options_.timeout_seconds);
  http.set_read_timeout(options_.timeout_seconds);
  if (!ca_file_.empty()) http.set_ca_cert_path(ca_file_.c_str());
  http.enable_server_certificate_verification(true);
  std::string target = StrCat("/v1/", path);
  if (version > 0) target += StrCat("?version=", version);
  httplib::Headers headers = {{"X-Vault-Token", options_.token}, {"Accept", "application/json"}};
  httplib::Result res = http.Get(target.c_str(), headers);
  if (!res) {
    return absl::UnavailableError(
        StrCat("vault ", options_.address, ": ", httplib::to_string(res.error())));
  }
  if (res->status == 404) {
    return absl::NotFoundError(StrCat(
        "vault ", path, version > 0 ? StrCat(" version ", version) : std::string(), ": not found"));
  }
  if (res->status == 403) {
    return absl::PermissionDeniedError(StrCat("vault ", path, ": the CDS token is not allowed"));
  }
  if (res->status != 200) {
    return absl::UnavailableError(StrCat("vault ", path, ": HTTP ", res->status));
  }
  ASSIGN_OR_RETURN(KvValue v, ParseKv2Response(res->body, path, key));
  if (version > 0 && v.version != version) {
    return absl::DataLossError(
        StrCat("vault ", path, ": asked for version ", version, ", answered version ", v.version));
  }
  return v;
}

}  // namespace c8s::cds
