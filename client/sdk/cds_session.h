// The online steps of trusting a CDS, over any CdsClient (cds_client.h):
//  1. VerifyCds: a fresh 32-byte nonce, GetAttestation, VerifyCdsAttestation, and the check
//     that the TLS server certificate of that very connection was issued by the attested CA
//     (so the unsigned parts of the answer, the state, came from the attested CDS).
//  2. FetchHistory + CheckHistory: the CA-signed, hash-chained manifest history, refused when
//     it rolls back, forks or rewrites a head seen before; approvals are checked against the
//     owners of every manifest the caller knows.
//  3. FetchActive: the active manifest, which must be exactly the one the history head names.
//
//   ASSIGN_OR_RETURN(VerifiedCds cds, VerifyCds(*bootstrap, ref, {}));
//   ASSIGN_OR_RETURN(auto entries, FetchHistory(*pinned));
//   ASSIGN_OR_RETURN(HistoryCheck h, CheckHistory(entries, cds.ca, seen_head, lookup));
//   ASSIGN_OR_RETURN(manifest::Manifest active, FetchActive(*pinned, entries));
#pragma once

#include <optional>
#include <vector>

#include "absl/status/statusor.h"
#include "client/sdk/cds_attestation.h"
#include "client/sdk/cds_client.h"
#include "lib/manifest/history.h"

namespace c8s::client {

absl::StatusOr<VerifiedCds> VerifyCds(CdsClient& client, const CdsReferenceValues& ref,
                                      const VerifyCdsOptions& options);

// Parses what History served (exact bytes + signature); strict JSON, unknown fields refused.
absl::StatusOr<std::vector<manifest::SignedHistoryEntry>> ParseServedHistory(
    const std::vector<RawHistoryEntry>& raw);
absl::StatusOr<std::vector<manifest::SignedHistoryEntry>> FetchHistory(CdsClient& client);

struct HistoryCheck {
  manifest::HistoryHead head;  // generation 0 for an unclaimed CDS
  // Generations whose approval signatures were checked against the owners in force (the
  // caller knew that manifest), and those checked for chain and CA signature only.
  std::vector<int64_t> approvals_verified;
  std::vector<int64_t> approvals_unchecked;
};

// Chain and CA signatures of every entry (manifest::VerifyHistory), no rollback/fork/rewrite
// against `seen`, and owner signatures where `known` has the manifest in force. An empty
// history is fine (unclaimed) unless `seen` is past generation 0.
absl::StatusOr<HistoryCheck> CheckHistory(const std::vector<manifest::SignedHistoryEntry>& entries,
                                          const crypto::Certificate& ca,
                                          const manifest::HistoryHead& seen,
                                          const manifest::ManifestLookup& known);

// The claim (generation 1) must carry an approval that verifies under one of `owner_keys`:
// a claim by anyone else is refused, naming who claimed.
absl::Status CheckClaimedBy(const std::vector<manifest::SignedHistoryEntry>& entries,
                            const std::vector<crypto::PublicKey>& owner_keys);

struct VerifiedActive {
  manifest::Manifest manifest;
  std::string canonical_json;
  int64_t generation = 0;
  std::string manifest_hash;
};
// GetActive, checked against the history head (generation, entry hash, manifest hash) and
// parsed. NotFound-like FailedPrecondition when the CDS is unclaimed.
absl::StatusOr<VerifiedActive> FetchActive(
    CdsClient& client, const std::vector<manifest::SignedHistoryEntry>& entries);

}  // namespace c8s::client
