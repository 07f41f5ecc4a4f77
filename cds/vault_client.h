// The CDS's client of an external HashiCorp Vault KV version 2 store (ARCHITECTURE.md §3.6,
// source (b) of Secrets.Release), reached with the CDS's own token; Vault never sees who asks.
//
//   ASSIGN_OR_RETURN(auto vault, VaultClient::Create({"https://vault:8200", token, ca_pem}));
//   ASSIGN_OR_RETURN(KvValue v, vault->Read("kv/data/shop/db", "password", /*version=*/0));
//   // GET /v1/kv/data/shop/db[?version=N] with X-Vault-Token; v.version from data.metadata
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "lib/base/bytes.h"

namespace c8s::cds {

struct KvValue {
  Bytes value;
  int64_t version = 0;
};

// The seam Cds uses (tests may give a fake; the component tests use a fake Vault server).
class SecretStore {
 public:
  virtual ~SecretStore() = default;
  // `path` as the manifest names it ("kv/data/shop/db"), version 0 = the newest.
  virtual absl::StatusOr<KvValue> Read(std::string_view path, std::string_view key,
                                       int64_t version) = 0;
};

struct VaultOptions {
  std::string address;  // "https://vault.example:8200" (http:// only for loopback)
  std::string token;
  std::string ca_pem;  // trust anchor for https; empty: the system store
  int timeout_seconds = 5;
};

// Paths: 1-512 of [A-Za-z0-9/_.-], no "..", no leading '/'.
absl::Status CheckVaultPath(std::string_view path);

class VaultClient : public SecretStore {
 public:
  static absl::StatusOr<std::unique_ptr<VaultClient>> Create(VaultOptions options);
  absl::StatusOr<KvValue> Read(std::string_view path, std::string_view key,
                               int64_t version) override;

 private:
  VaultClient(VaultOptions options, std::string ca_file)
      : options_(std::move(options)), ca_file_(std::move(ca_file)) {}
  VaultOptions options_;
  std::string ca_file_;
};

// The KV v2 read response body -> value of `key` and metadata.version. Errors name the field.
absl::StatusOr<KvValue> ParseKv2Response(std::string_view body, std::string_view path,
                                         std::string_view key);

}  // namespace c8s::cds
