#include "client/cli/verify_command.h"

#include <memory>

#include "client/cli/app.h"
#include "client/cli/online.h"
#include "client/cli/reference_flags.h"
#include "client/cli/verify_summary.h"
#include "client/sdk/reference_values.h"
#include "lib/attest/manifest_policy.h"
#include "lib/attest/verify_error.h"
#include "lib/base/clock.h"
#include "lib/base/fd.h"
#include "lib/base/status.h"
#include "lib/base/strings.h"
#include "lib/manifest/parse.h"
#include "lib/manifest/serialize.h"

namespace c8s::cli {
namespace {

struct VerifyArgs {
  OnlineFlags online;
  ReferenceFlags reference;
  std::string expect = "any", expect_head;
  std::vector<std::string> owner_keys;
};

absl::Status Usage(std::string_view msg) { return absl::InvalidArgumentError(std::string(msg)); }

absl::StatusOr<std::vector<crypto::PublicKey>> LoadOwnerKeys(
    const std::vector<std::string>& files) {
  std::vector<crypto::PublicKey> keys;
  for (const std::string& f : files) {
    ASSIGN_OR_RETURN(std::string pem, ReadFile(f, 1 << 20));
    absl::StatusOr<crypto::PublicKey> pub = crypto::PublicKey::FromPem(pem);
    if (!pub.ok()) {
      absl::StatusOr<crypto::PrivateKey> priv = crypto::PrivateKey::FromPem(pem);
      if (!priv.ok()) return Usage(StrCat("--owner-key ", f, ": not a PEM public or private key"));
      pub = priv->GetPublicKey();
    }
    keys.push_back(*std::move(pub));
  }
  return keys;
}

// The unsigned state in the attestation answer must match the CA-signed history.
absl::Status CheckStateAgainstHistory(const client::CdsState& claimed,
                                      const client::HistoryCheck& h) {
  if (claimed.claimed != (h.head.generation > 0) || claimed.generation != h.head.generation ||
      claimed.head_hash != h.head.entry_hash) {
    return attest::VerifyError(
        attest::VerifyErrorKind::kPolicy,
        StrCat("state: the attestation says ", claimed.claimed ? "claimed" : "unclaimed",
               ", generation ", claimed.generation, ", head ", claimed.head_hash,
               ", but the signed history ends at generation ", h.head.generation, ", head ",
               h.head.entry_hash));
  }
  return absl::OkStatus();
}

absl::Status CheckExpectations(const VerifyArgs& a, const Session& s,
                               const std::vector<crypto::PublicKey>& owners) {
  bool claimed = !s.history.empty();
  if (a.expect == "unclaimed" && claimed) {
    std::string by;
    for (const auto& ap : s.history.front().entry.approvals)
      by += (by.empty() ? "" : ", ") + ap.owner;
    return absl::FailedPreconditionError(
        StrCat("expected an unclaimed CDS, but it is claimed (generation ", s.check.head.generation,
               "; the claim was approved by [", by, "])"));
  }
  if (a.expect == "claimed" && !claimed) {
    return absl::FailedPreconditionError("expected a claimed CDS, but it is unclaimed");
  }
  if (!owners.empty() && claimed) RETURN_IF_ERROR(client::CheckClaimedBy(s.history, owners));
  if (!a.expect_head.empty()) {
    std::string want = StrCat(s.check.head.generation, ":", s.check.head.entry_hash);
    if (a.expect_head != want) {
      return absl::FailedPreconditionError(
          StrCat("expected history head ", a.expect_head, ", but the CDS is at ", want));
    }
  }
  return absl::OkStatus();
}

absl::Status RunVerify(const VerifyArgs& a, CommandContext& ctx) {
  ASSIGN_OR_RETURN(client::CdsReferenceValues ref, BuildReference(a.reference));
  ASSIGN_OR_RETURN(client::VerifyCdsOptions options, BuildVerifyOptions(a.reference));
  ASSIGN_OR_RETURN(std::vector<crypto::PublicKey> owners, LoadOwnerKeys(a.owner_keys));
  ASSIGN_OR_RETURN(StateDir dir, StateDir::Open(a.online.state_dir));
  ASSIGN_OR_RETURN(std::optional<PinnedCds> before, dir.Load());

  Progress progress(ctx.err, "verify", 4);
  progress.Step(StrCat("attestation from ", a.online.cds, " (fresh 32-byte nonce)"));
  ASSIGN_OR_RETURN(auto boot, Connect(ctx, a.online.cds, std::nullopt, a.online.timeout_seconds));
  ASSIGN_OR_RETURN(client::VerifiedCds cds, client::VerifyCds(*boot, ref, options));
  if (before && before->ca_der != cds.ca.ToDer()) {
    return absl::PermissionDeniedError(StrCat(
        "pinned CA mismatch: ", dir.path(), " pins cluster ", before->cluster,
        ", but this CDS attests cluster ", cds.cluster,
        " (another cluster, or a CDS that lost its state and was not recovered); use another "
        "--state-dir to trust a new cluster"));
  }

  PinnedCds pinned;
  pinned.target = a.online.cds;
  pinned.ca_der = cds.ca.ToDer();
  pinned.cluster = cds.cluster;
  pinned.sealing_spki_der = cds.sealing_key.SpkiDer();
  pinned.image_digest = cds.image_digest;
  pinned.pod_ref = cds.pod_ref;
  pinned.platform = std::string(attest::PlatformName(cds.claims.platform));
  pinned.assurance = std::string(attest::AssuranceLevelName(cds.claims.assurance));
  pinned.measurement = HexEncode(cds.claims.measurement);
  pinned.verified_at = FormatRfc3339(absl::Now());
  if (before) pinned.head = before->head;  // never accept less than what was seen

  ASSIGN_OR_RETURN(auto client, Connect(ctx, a.online.cds, cds.ca, a.online.timeout_seconds));
  ASSIGN_OR_RETURN(auto known, dir.KnownManifests());
  Session s{std::move(dir), std::move(pinned), std::move(client), std::move(known), {}, {}, {}};
  RETURN_IF_ERROR(s.Refresh(&progress, /*save=*/false));
  progress.Step("claimed state against the signed history and the owner's expectations");
  RETURN_IF_ERROR(CheckStateAgainstHistory(cds.state, s.check));
  RETURN_IF_ERROR(CheckExpectations(a, s, owners));

  progress.Step(StrCat("saving the pinned CA and state to ", s.dir.path()));
  if (s.active) RETURN_IF_ERROR(s.dir.SaveManifest(s.active->manifest, true));
  RETURN_IF_ERROR(s.dir.Save(s.pinned));
  VerifySummary summary{cds,
                        s.check,
                        s.history,
                        a.online.cds,
                        s.dir.path(),
                        s.active ? s.active->manifest_hash : "",
                        s.active ? s.active->manifest.approval : manifest::ApprovalMode::kOwner};
  PrintVerifyWarnings(ctx.err, summary);
  PrintVerifySummary(ctx.out, summary);
  return absl::OkStatus();
}

}  // namespace

void RegisterVerifyCommands(CLI::App& app, CommandContext& ctx) {
  auto a = std::make_shared<VerifyArgs>();
  CLI::App* v = app.add_subcommand(
      "verify",
      "Verify the attested CDS (fresh nonce, vendor chain, reference values, report data), pin "
      "its CA and save CA, sealing key, manifest and history head; exit 1 naming the failed "
      "check");
  AddOnlineFlags(v, a->online, /*cds_required=*/true);
  AddReferenceFlags(v, a->reference);
  v->add_option("--expect", a->expect, "Expected state: unclaimed, claimed or any")
      ->check(CLI::IsMember({"unclaimed", "claimed", "any"}))
      ->capture_default_str();
  v->add_option("--owner-key", a->owner_keys,
                "Owner key (PEM, public or private; repeatable): a claimed CDS must have been "
                "claimed with one of them");
  v->add_option("--expect-head", a->expect_head, "Expected history head GENERATION:sha256:<hex>");
  v->callback([a, &ctx] { ctx.exit_code = Finish(ctx, "verify", RunVerify(*a, ctx)); });
}

}  // namespace c8s::cli
