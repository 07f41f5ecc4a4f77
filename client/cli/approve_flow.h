// The owner's side of an activation (claim or approval), shared by `c8sctl claim` and
// `c8sctl manifest approve`: load the owner key, take the statement's generation and
// predecessor from the *verified* history head (never from what the CDS says), confirm with
// the owner, and check that what the CDS returns is exactly the CA-signed entry for it.
//
//   ASSIGN_OR_RETURN(OwnerKey key, LoadOwnerKey(path, "alice"));
//   manifest::ApprovalStatement st = NextStatement(session, manifest_hash);
//   ASSIGN_OR_RETURN(Bytes sig, SignChecked(st, key, signers));
//   ASSIGN_OR_RETURN(auto r, session.client->Approve(text, key.owner, sig));
//   RETURN_IF_ERROR(CheckActivation(r, st, session));
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "client/cli/command.h"
#include "client/cli/online.h"
#include "lib/manifest/approval.h"

namespace c8s::cli {

struct OwnerKey {
  crypto::PrivateKey key;
  std::string owner;
};

absl::StatusOr<OwnerKey> LoadOwnerKey(const std::string& path, const std::string& owner);

// {cluster of the pinned CA, verified head + 1, verified head hash, manifest_hash}.
manifest::ApprovalStatement NextStatement(const Session& s, const std::string& manifest_hash);

// Signs, then verifies the signature as the CDS will: `owner` must be an owner of `signers`
// (the active manifest; for the claim, the claimed manifest itself) with this key.
absl::StatusOr<Bytes> SignChecked(const manifest::ApprovalStatement& st, const OwnerKey& key,
                                  const manifest::Manifest& signers);

// The returned entry is signed by the pinned CA, continues the verified head and carries
// exactly this approval.
absl::Status CheckActivation(const client::ApproveResult& r, const manifest::ApprovalStatement& st,
                             const Session& s);

// `yes`, or an interactive "yes" on a terminal; refuses on a non-terminal without --yes.
absl::Status Confirm(CommandContext& ctx, bool yes, std::string_view question);

// Compares what the CDS says the pending proposal continues with the verified head.
absl::Status CheckPendingContext(const client::PendingManifest& p, const Session& s);

// Fetches a pending proposal and checks its bytes hash to the name it is served under.
absl::StatusOr<manifest::Manifest> FetchPending(Session& s, const std::string& hash,
                                                client::PendingManifest* raw);

}  // namespace c8s::cli
