#include "client/cli/approve_flow.h"

#include <unistd.h>

#include <iostream>

#include "lib/base/fd.h"
#include "lib/base/status.h"
#include "lib/base/strings.h"
#include "lib/manifest/parse.h"
#include "lib/manifest/serialize.h"

namespace c8s::cli {

absl::StatusOr<OwnerKey> LoadOwnerKey(const std::string& path, const std::string& owner) {
  ASSIGN_OR_RETURN(std::string pem, ReadFile(path, 1 << 20));
  absl::StatusOr<crypto::PrivateKey> key = crypto::PrivateKey::FromPem(pem);
  if (!key.ok()) {
    return absl::InvalidArgumentError(StrCat("--key ", path, ": ", key.status().message()));
  }
  if (key->type() != crypto::KeyType::kP256 && key->type() != crypto::KeyType::kEd25519) {
    return absl::InvalidArgumentError(StrCat("--key ", path, ": a ",
                                             crypto::KeyTypeName(key->type()),
                                             " key, but owner signing keys are P-256 or Ed25519 "
                                             "(c8sctl keygen --role owner)"));
  }
  return OwnerKey{*std::move(key), owner};
}

manifest::ApprovalStatement NextStatement(const Session& s, const std::string& manifest_hash) {
  return {s.pinned.cluster, s.check.head.generation + 1, s.check.head.entry_hash, manifest_hash};
}

absl::StatusOr<Bytes> SignChecked(const manifest::ApprovalStatement& st, const OwnerKey& key,
                                  const manifest::Manifest& signers) {
  ASSIGN_OR_RETURN(Bytes sig, manifest::SignApproval(st, key.key));
  absl::Status ok = manifest::VerifyApprovalSignature(st, sig, key.owner, signers);
  if (!ok.ok()) {
    return absl::PermissionDeniedError(
        StrCat("owner check (before sending): ", ok.message(),
               st.generation == 1 ? " in the manifest being claimed" : " in the active manifest"));
  }
  return sig;
}

absl::Status CheckActivation(const client::ApproveResult& r, const manifest::ApprovalStatement& st,
                             const Session& s) {
  ASSIGN_OR_RETURN(auto entries, client::ParseServedHistory({r.entry}));
  const manifest::SignedHistoryEntry& e = entries.front();
  ASSIGN_OR_RETURN(crypto::PublicKey ca, s.pinned.Ca().GetPublicKey());
  if (absl::Status sig = manifest::VerifyHistoryEntrySignature(e, ca); !sig.ok()) {
    return absl::PermissionDeniedError(StrCat("activation: ", sig.message()));
  }
  ASSIGN_OR_RETURN(std::string hash, manifest::EntryHash(e.entry));
  bool carries = false;
  for (const manifest::Approval& a : e.entry.approvals) carries |= a.statement == st;
  if (e.entry.generation != st.generation ||
      e.entry.previous_entry_hash != st.previous_entry_hash ||
      e.entry.manifest_hash != st.manifest_hash || !carries || hash != r.entry_hash ||
      r.generation != st.generation) {
    return absl::PermissionDeniedError(
        StrCat("activation: the CDS answered generation ", e.entry.generation, " entry ", hash,
               " for manifest ", e.entry.manifest_hash, ", not the entry of this approval"));
  }
  return absl::OkStatus();
}

absl::Status Confirm(CommandContext& ctx, bool yes, std::string_view question) {
  if (yes) return absl::OkStatus();
  if (!::isatty(STDIN_FILENO)) {
    return absl::InvalidArgumentError(
        StrCat(question, ": refusing without --yes (stdin is not a terminal)"));
  }
  ctx.err << question << " [type yes]: ";
  ctx.err.flush();
  std::string answer;
  std::getline(std::cin, answer);
  if (answer != "yes") return absl::CancelledError("not confirmed: nothing was sent");
  return absl::OkStatus();
}

absl::Status CheckPendingContext(const client::PendingManifest& p, const Session& s) {
  if (p.cluster != s.pinned.cluster || p.next_generation != s.check.head.generation + 1 ||
      p.previous_entry_hash != s.check.head.entry_hash) {
    return absl::PermissionDeniedError(StrCat(
        "pending: the CDS proposes generation ", p.next_generation, " after ",
        p.previous_entry_hash, " in cluster ", p.cluster,
        ", but the verified history head is "
        "generation ",
        s.check.head.generation, " ", s.check.head.entry_hash, " in cluster ", s.pinned.cluster));
  }
  return absl::OkStatus();
}

absl::StatusOr<manifest::Manifest> FetchPending(Session& s, const std::string& hash,
                                                client::PendingManifest* raw) {
  ASSIGN_OR_RETURN(client::PendingManifest p, s.client->GetPending(hash));
  absl::StatusOr<manifest::Manifest> m = manifest::ParseManifest(p.manifest_json);
  if (!m.ok()) return Annotate(m.status(), "pending manifest");
  ASSIGN_OR_RETURN(std::string actual, manifest::ManifestHash(*m));
  if (actual != p.manifest_hash || (!hash.empty() && actual != hash)) {
    return absl::PermissionDeniedError(StrCat("pending manifest: served as ", p.manifest_hash,
                                              hash.empty() ? "" : StrCat(" (asked for ", hash, ")"),
                                              " but its bytes hash to ", actual));
  }
  if (raw) *raw = std::move(p);
  return m;
}

}  // namespace c8s::cli
