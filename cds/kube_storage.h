// CDS storage in Kubernetes Secrets (ARCHITECTURE.md §3.1 step 3): one Secret per object,
// `<prefix><name>` in one namespace, the blob under data["blob"], labelled
// c8s.dev/cds-object=true. The API server (untrusted) only persists: blobs are sealed by
// SealedStore. Revisions are resourceVersions, so conditional writes are the API server's
// optimistic concurrency (create = 409 AlreadyExists when present, update = 409 Conflict when
// stale), which is what keeps two replicas from creating two CAs.
//
//   ASSIGN_OR_RETURN(auto client, kube::Client::Create(config));
//   KubeStorage storage(client.get(), "c8s-system", "c8s-cds-");
#pragma once

#include <string>

#include "cds/storage.h"
#include "lib/kube/client.h"

namespace c8s::cds {

class KubeStorage : public Storage {
 public:
  KubeStorage(kube::Client* client, std::string ns, std::string prefix = "c8s-cds-")
      : client_(client), ns_(std::move(ns)), prefix_(std::move(prefix)) {}
  absl::StatusOr<std::optional<Blob>> Read(std::string_view name) override;
  absl::StatusOr<std::string> Write(
      std::string_view name, ByteSpan data,
      const std::optional<std::string>& expected = std::nullopt) override;
  absl::StatusOr<std::vector<std::string>> List() override;
  std::string Describe() const override;

 private:
  kube::Client* client_;
  std::string ns_, prefix_;
};

}  // namespace c8s::cds
