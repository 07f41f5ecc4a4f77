#include "client/sdk/cds_session.h"

#include "lib/attest/verify_error.h"
#include "lib/base/status.h"
#include "lib/base/strings.h"
#include "lib/crypto/hash.h"
#include "lib/crypto/jcs.h"
#include "lib/manifest/approval.h"
#include "lib/manifest/parse.h"
#include "lib/manifest/serialize.h"

namespace c8s::client {
namespace {

// The attestation is only as good as the channel its unsigned parts came over: the server we
// talked to must hold a certificate from the attested CA (a relay of someone else's
// attestation fails here).
absl::Status CheckServerChain(const std::vector<Bytes>& chain, const crypto::Certificate& ca,
                              absl::Time now) {
  auto bad = [](std::string_view why) {
    return attest::VerifyError(attest::VerifyErrorKind::kCertificate, StrCat("tls: ", why));
  };
  if (chain.empty()) return bad("no server certificate was recorded for this connection");
  absl::StatusOr<crypto::Certificate> leaf = crypto::Certificate::FromDer(chain[0]);
  if (!leaf.ok()) return bad(StrCat("server certificate: ", StatusText(leaf.status())));
  std::vector<crypto::Certificate> intermediates;
  for (size_t i = 1; i < chain.size(); ++i) {
    absl::StatusOr<crypto::Certificate> c = crypto::Certificate::FromDer(chain[i]);
    if (c.ok() && c->ToDer() != ca.ToDer()) intermediates.push_back(*std::move(c));
  }
  if (absl::Status st = crypto::VerifyChain(*leaf, intermediates, {ca}, now); !st.ok()) {
    return bad(StrCat("the server certificate of this connection (", leaf->Subject(),
                      ") was not issued by the attested CA: ", StatusText(st)));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<VerifiedCds> VerifyCds(CdsClient& client, const CdsReferenceValues& ref,
                                      const VerifyCdsOptions& options) {
  Bytes nonce = crypto::RandomBytes(32);
  ASSIGN_OR_RETURN(CdsAttestation att, client.GetAttestation(nonce));
  ASSIGN_OR_RETURN(VerifiedCds cds, VerifyCdsAttestation(nonce, att, ref, options));
  RETURN_IF_ERROR(CheckServerChain(client.ServerChain(), cds.ca, options.now));
  return cds;
}

absl::StatusOr<std::vector<manifest::SignedHistoryEntry>> ParseServedHistory(
    const std::vector<RawHistoryEntry>& raw) {
  std::vector<manifest::SignedHistoryEntry> out;
  for (size_t i = 0; i < raw.size(); ++i) {
    std::string where = StrCat("history entry ", i);
    absl::StatusOr<nlohmann::json> doc = crypto::ParseStrictJson(raw[i].entry_json);
    if (!doc.ok()) return Annotate(doc.status(), where);
    absl::StatusOr<manifest::HistoryEntry> entry = manifest::ParseHistoryEntryJson(*doc);
    if (!entry.ok()) return Annotate(entry.status(), where);
    out.push_back({*std::move(entry), raw[i].signature});
  }
  return out;
}

absl::StatusOr<std::vector<manifest::SignedHistoryEntry>> FetchHistory(CdsClient& client) {
  ASSIGN_OR_RETURN(std::vector<RawHistoryEntry> raw, client.History(1));
  return ParseServedHistory(raw);
}

absl::StatusOr<HistoryCheck> CheckHistory(const std::vector<manifest::SignedHistoryEntry>& entries,
                                          const crypto::Certificate& ca,
                                          const manifest::HistoryHead& seen,
                                          const manifest::ManifestLookup& known) {
  HistoryCheck check;
  ASSIGN_OR_RETURN(crypto::PublicKey ca_key, ca.GetPublicKey());
  if (!entries.empty()) {
    ASSIGN_OR_RETURN(check.head, manifest::VerifyHistory(entries, ca_key));
  }
  RETURN_IF_ERROR(manifest::CheckHead(seen, check.head));
  RETURN_IF_ERROR(manifest::CheckExtends(seen, entries));
  // Owner signatures: generation 1 by its own owners, later ones by the manifest in force.
  const manifest::Manifest* in_force = nullptr;
  for (const manifest::SignedHistoryEntry& s : entries) {
    const manifest::HistoryEntry& e = s.entry;
    const manifest::Manifest* self = known ? known(e.manifest_hash) : nullptr;
    if (self != nullptr && manifest::ManifestHash(*self).value_or("") != e.manifest_hash) {
      self = nullptr;
    }
    const manifest::Manifest* signers = e.generation == 1 ? self : in_force;
    // Only an owner-approved manifest that enables Automatic lets the next one in unsigned.
    if (e.generation > 1 && in_force != nullptr && e.mode != in_force->approval) {
      return absl::PermissionDeniedError(StrCat(
          "history entry generation ", e.generation, ": mode ", manifest::ApprovalModeName(e.mode),
          " but the manifest in force requires ", manifest::ApprovalModeName(in_force->approval)));
    }
    if (signers == nullptr) {
      check.approvals_unchecked.push_back(e.generation);
    } else {
      for (const manifest::Approval& a : e.approvals) {
        absl::Status st =
            manifest::VerifyApprovalSignature(a.statement, a.signature, a.owner, *signers);
        if (!st.ok()) {
          return absl::PermissionDeniedError(
              StrCat("history entry generation ", e.generation, ": ", StatusText(st)));
        }
      }
      check.approvals_verified.push_back(e.generation);
    }
    in_force = self;
  }
  return check;
}

absl::Status CheckClaimedBy(const std::vector<manifest::SignedHistoryEntry>& entries,
                            const std::vector<crypto::PublicKey>& owner_keys) {
  if (entries.empty()) return absl::FailedPreconditionError("the CDS is not claimed");
  const manifest::HistoryEntry& claim = entries.front().entry;
  std::string names;
  for (const manifest::Approval& a : claim.approvals) {
    absl::StatusOr<std::string> canon = manifest::CanonicalBytes(a.statement);
    if (!canon.ok()) continue;
    for (const crypto::PublicKey& key : owner_keys) {
      if (key.Verify(AsBytes(*canon), a.signature).ok()) return absl::OkStatus();
    }
    names += StrCat(names.empty() ? "" : ", ", a.owner);
  }
  return absl::PermissionDeniedError(
      StrCat("claimed by someone else: the claim (generation 1, manifest ", claim.manifest_hash,
             ") is approved by [", names, "], and none of those signatures is from the ",
             owner_keys.size(), " owner key(s) given"));
}

absl::StatusOr<VerifiedActive> FetchActive(
    CdsClient& client, const std::vector<manifest::SignedHistoryEntry>& entries) {
  if (entries.empty()) {
    return absl::FailedPreconditionError("the CDS is not claimed: no active manifest");
  }
  const manifest::HistoryEntry& head = entries.back().entry;
  ASSIGN_OR_RETURN(std::string head_hash, manifest::EntryHash(head));
  ASSIGN_OR_RETURN(ActiveManifest a, client.GetActive());
  if (a.generation != head.generation || a.entry_hash != head_hash ||
      a.manifest_hash != head.manifest_hash) {
    return absl::PermissionDeniedError(
        StrCat("active manifest: the CDS says generation ", a.generation, " entry ", a.entry_hash,
               " manifest ", a.manifest_hash, ", but its signed history head is generation ",
               head.generation, " entry ", head_hash, " manifest ", head.manifest_hash));
  }
  absl::StatusOr<manifest::Manifest> m = manifest::ParseManifest(a.manifest_json);
  if (!m.ok()) return Annotate(m.status(), "active manifest");
  ASSIGN_OR_RETURN(std::string hash, manifest::ManifestHash(*m));
  if (hash != head.manifest_hash) {
    return absl::PermissionDeniedError(StrCat("active manifest: served bytes hash to ", hash,
                                              ", but the history head names ", head.manifest_hash));
  }
  ASSIGN_OR_RETURN(std::string canonical, manifest::CanonicalBytes(*m));
  return VerifiedActive{*std::move(m), std::move(canonical), a.generation, hash};
}

}  // namespace c8s::client
