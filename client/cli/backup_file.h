// `c8sctl backup` files: the CDS's storage objects exactly as stored (encrypted state and the
// plaintext recovery record; nothing readable without the seed), with the cluster and the
// history head they were taken at, so that `c8sctl recover --backup` restores only a backup of
// the pinned cluster and says how old it is.
//
//   std::string text = BackupToJson(backup);
//   ASSIGN_OR_RETURN(Backup b, ParseBackup(text));   // strict; outside input
//
// {"apiVersion": "c8s.dev/backup/v1", "cluster": "sha256:…", "createdAt": "…",
//  "head": {"generation": 3, "entryHash": "sha256:…"},
//  "objects": [{"name": "state", "blob": "<base64>"}, …]}
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "client/sdk/cds_client.h"
#include "lib/manifest/history.h"

namespace c8s::cli {

inline constexpr std::string_view kBackupApiVersion = "c8s.dev/backup/v1";

struct Backup {
  std::string cluster;
  std::string created_at;
  manifest::HistoryHead head;
  std::vector<client::StoredObject> objects;
};

std::string BackupToJson(const Backup& backup);
absl::StatusOr<Backup> ParseBackup(std::string_view text);

// The recovery envelopes of the backup's plaintext "recovery" object (the CDS's own record,
// parsed by its parser), if it has one: what an owner opens when the storage that held them is
// gone. A record of another cluster than the backup's is refused.
struct BackupEnvelopes {
  int64_t generation = 0;
  std::vector<client::RecoveryEnvelope> envelopes;
};
absl::StatusOr<std::optional<BackupEnvelopes>> RecoveryEnvelopesOf(const Backup& backup);

}  // namespace c8s::cli
