// Verification of a whole history: hash chain, CA signatures, approvals, rollback and forks.
#include "lib/base/status.h"
#include "lib/base/strings.h"
#include "lib/manifest/history.h"
#include "lib/manifest/serialize.h"

namespace c8s::manifest {
namespace {

absl::Status Refuse(int64_t generation, std::string_view what) {
  return absl::PermissionDeniedError(StrCat("history entry generation ", generation, ": ", what));
}

// Checks one entry against its predecessor's head; returns its own hash.
absl::StatusOr<std::string> CheckLink(const SignedHistoryEntry& s, const HistoryHead& prev,
                                      const std::string& cluster,
                                      const crypto::PublicKey& ca_public_key) {
  const HistoryEntry& e = s.entry;
  if (e.generation != prev.generation + 1) {
    return Refuse(e.generation, StrCat("expected generation ", prev.generation + 1,
                                       " (generations must be consecutive from 1)"));
  }
  if (e.previous_entry_hash != prev.entry_hash) {
    return Refuse(e.generation, StrCat("previousEntryHash ", e.previous_entry_hash,
                                       " but the entry before hashes to ", prev.entry_hash));
  }
  RETURN_IF_ERROR(VerifyHistoryEntrySignature(s, ca_public_key));
  if (e.mode == ApprovalMode::kOwner && e.approvals.empty()) {
    return Refuse(e.generation, "activated in Owner mode without an approval");
  }
  if (e.generation == 1 && e.mode != ApprovalMode::kOwner) {
    return Refuse(e.generation, "the claim must be approved by an owner");
  }
  for (const Approval& a : e.approvals) {
    const ApprovalStatement& st = a.statement;
    if (st.cluster != cluster) {
      return Refuse(e.generation, StrCat("approval by ", a.owner, " for cluster ", st.cluster,
                                         " but this cluster is ", cluster));
    }
    if (st.generation != e.generation || st.previous_entry_hash != e.previous_entry_hash ||
        st.manifest_hash != e.manifest_hash) {
      return Refuse(e.generation, StrCat("approval by ", a.owner, " is for generation ",
                                         st.generation, ", predecessor ", st.previous_entry_hash,
                                         ", manifest ", st.manifest_hash, ", not for this entry"));
    }
  }
  return EntryHash(e);
}

const Manifest* Lookup(const ManifestLookup& lookup, const std::string& hash) {
  const Manifest* m = lookup(hash);
  if (m == nullptr) return nullptr;
  auto actual = ManifestHash(*m);
  return actual.ok() && *actual == hash ? m : nullptr;
}

}  // namespace

absl::StatusOr<HistoryHead> VerifyHistory(const std::vector<SignedHistoryEntry>& entries,
                                          const crypto::PublicKey& ca_public_key) {
  return VerifyHistory(entries, ca_public_key, nullptr);
}

absl::StatusOr<HistoryHead> VerifyHistory(const std::vector<SignedHistoryEntry>& entries,
                                          const crypto::PublicKey& ca_public_key,
                                          const ManifestLookup& lookup) {
  if (entries.empty()) return absl::InvalidArgumentError("empty history");
  std::string cluster = ClusterId(ca_public_key);
  HistoryHead head;
  const Manifest* active = nullptr;
  for (const SignedHistoryEntry& s : entries) {
    const HistoryEntry& e = s.entry;
    ASSIGN_OR_RETURN(std::string hash, CheckLink(s, head, cluster, ca_public_key));
    if (lookup) {
      const Manifest* manifest = Lookup(lookup, e.manifest_hash);
      if (manifest == nullptr) {
        return Refuse(e.generation, StrCat("manifest ", e.manifest_hash, " is not available"));
      }
      // Generation 1 is approved by its own owners; later ones by the owners in force.
      const Manifest* signers = e.generation == 1 ? manifest : active;
      ApprovalMode expected = e.generation == 1 ? ApprovalMode::kOwner : active->approval;
      if (e.mode != expected) {
        return Refuse(e.generation,
                      StrCat("mode ", ApprovalModeName(e.mode),
                             " but the manifest in force requires ", ApprovalModeName(expected)));
      }
      for (const Approval& a : e.approvals) {
        absl::Status st = VerifyApprovalSignature(a.statement, a.signature, a.owner, *signers);
        if (!st.ok()) return Refuse(e.generation, StatusText(st));
      }
      active = manifest;
    }
    head = HistoryHead{e.generation, hash};
  }
  return head;
}

absl::Status CheckHead(const HistoryHead& seen, const HistoryHead& offered) {
  if (offered.generation < seen.generation) {
    return absl::PermissionDeniedError(StrCat("history rollback: offered generation ",
                                              offered.generation, " but generation ",
                                              seen.generation, " was already seen"));
  }
  if (offered.generation == seen.generation && offered.entry_hash != seen.entry_hash) {
    return absl::PermissionDeniedError(StrCat("history fork at generation ", seen.generation,
                                              ": offered ", offered.entry_hash, " but saw ",
                                              seen.entry_hash));
  }
  return absl::OkStatus();
}

absl::Status CheckExtends(const HistoryHead& seen, const std::vector<SignedHistoryEntry>& entries) {
  if (seen.generation == 0) return absl::OkStatus();
  for (const SignedHistoryEntry& s : entries) {
    if (s.entry.generation != seen.generation) continue;
    ASSIGN_OR_RETURN(std::string hash, EntryHash(s.entry));
    if (hash != seen.entry_hash) {
      return absl::PermissionDeniedError(StrCat("history rewritten at generation ", seen.generation,
                                                ": entry hashes to ", hash, " but ",
                                                seen.entry_hash, " was seen"));
    }
    return absl::OkStatus();
  }
  return absl::PermissionDeniedError(StrCat("history rollback: generation ", seen.generation,
                                            " was seen but the history does not contain it"));
}

}  // namespace c8s::manifest
