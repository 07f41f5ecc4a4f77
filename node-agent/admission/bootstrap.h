// The bootstrap allow-list: what a node admits before it has verified its first policy bundle
// (the c8s components and the node's system pods, so that the CDS and the CNI can start), and
// alongside every bundle afterwards (those pods are not WorkloadIdentities of the manifest).
// It comes from the agent's measured configuration; the agent loads it and passes it in.
//
// Each entry has the shape of a bundle identity (lib/manifest/bundle.h): it selects the pods of
// its ref's namespace whose labels include `selector.labels`, admits only the images listed in
// `containers` (pinned by digest, args/env pinned where given) and carries the `runtime` policy
// the OCI hook gate enforces. `ports`, `allowFrom` and `egress` may be left out (empty).
//
//   {"apiVersion": "c8s.dev/bootstrap-allow-list/v1",
//    "entries": [{"ref": "kube-system/coredns", "selector": {"labels": {"k8s-app": "kube-dns"}},
//                 "containers": [{"image": "registry.k8s.io/coredns/coredns@sha256:<64 hex>"}],
//                 "runtime": {...}}]}
//
//   ASSIGN_OR_RETURN(BootstrapAllowList list, ParseBootstrapAllowListText(text));
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "lib/manifest/bundle.h"

namespace c8s::admission {

inline constexpr std::string_view kBootstrapApiVersion = "c8s.dev/bootstrap-allow-list/v1";

struct BootstrapAllowList {
  std::vector<manifest::BundleIdentity> entries;  // refs unique
  bool operator==(const BootstrapAllowList&) const = default;
};

// Strict: unknown fields, a wrong apiVersion, duplicate refs, images not pinned by digest and
// every check of the bundle identity parser are errors naming the JSON path ("entries[2]...").
// `path` prefixes the paths when the list is embedded in a larger document (the agent config).
absl::StatusOr<BootstrapAllowList> ParseBootstrapAllowList(const nlohmann::json& doc,
                                                           std::string_view path = "");
// The same from JSON text (duplicate keys, invalid UTF-8 and trailing bytes refused).
absl::StatusOr<BootstrapAllowList> ParseBootstrapAllowListText(std::string_view text);
nlohmann::json ToJson(const BootstrapAllowList& list);

}  // namespace c8s::admission
