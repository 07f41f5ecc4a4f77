#include "client/cli/claim_command.h"

#include <memory>

#include "client/cli/approve_flow.h"
#include "client/cli/manifest_summary.h"
#include "client/cli/online.h"
#include "lib/base/fd.h"
#include "lib/base/status.h"
#include "lib/base/strings.h"
#include "lib/manifest/parse.h"
#include "lib/manifest/serialize.h"

namespace c8s::cli {
namespace {

struct ClaimArgs {
  OnlineFlags online;
  std::string manifest, hash, key, owner;
  bool yes = false;
};

absl::Status RunClaim(const ClaimArgs& a, CommandContext& ctx) {
  ASSIGN_OR_RETURN(OwnerKey key, LoadOwnerKey(a.key, a.owner));
  Progress progress(ctx.err, "claim", a.manifest.empty() ? 3 : 2);
  ASSIGN_OR_RETURN(Session s, OpenSession(a.online, ctx, &progress));
  if (!s.history.empty()) {
    std::string by;
    for (const auto& ap : s.history.front().entry.approvals)
      by += (by.empty() ? "" : ", ") + ap.owner;
    return absl::FailedPreconditionError(StrCat("already claimed: the CDS is at generation ",
                                                s.check.head.generation, " (claimed by [", by,
                                                "]); use `c8sctl manifest approve` for changes"));
  }
  manifest::Manifest m;
  if (!a.manifest.empty()) {
    ASSIGN_OR_RETURN(std::string text, ReadFile(a.manifest, 16 << 20));
    absl::StatusOr<manifest::Manifest> parsed = manifest::ParseManifest(text);
    if (!parsed.ok()) {
      return absl::InvalidArgumentError(StrCat(a.manifest, ": ", parsed.status().message()));
    }
    m = *std::move(parsed);
  } else {
    progress.Step("pending proposal (the manifest to claim with)");
    client::PendingManifest raw;
    ASSIGN_OR_RETURN(m, FetchPending(s, a.hash, &raw));
    RETURN_IF_ERROR(CheckPendingContext(raw, s));
  }
  ASSIGN_OR_RETURN(std::string hash, manifest::ManifestHash(m));
  ASSIGN_OR_RETURN(std::string canonical, manifest::CanonicalBytes(m));
  manifest::ApprovalStatement st = NextStatement(s, hash);
  ASSIGN_OR_RETURN(Bytes sig, SignChecked(st, key, m));
  ctx.out << "claiming cluster " << s.pinned.cluster << " with manifest " << hash << "\n"
          << ManifestSummary(m);
  RETURN_IF_ERROR(Confirm(ctx, a.yes, StrCat("claim the CDS as owner ", a.owner)));

  progress.Step("sending the claim (generation 1)");
  ASSIGN_OR_RETURN(std::string statement, manifest::CanonicalBytes(st));
  ASSIGN_OR_RETURN(client::ApproveResult r, s.client->Claim(canonical, statement, a.owner, sig));
  RETURN_IF_ERROR(CheckActivation(r, st, s));
  RETURN_IF_ERROR(s.dir.SaveManifest(m, false));
  s.known.emplace(hash, m);
  RETURN_IF_ERROR(s.Refresh(nullptr));
  ctx.out << "claimed: generation " << s.check.head.generation << ", entry "
          << s.check.head.entry_hash << ", owner " << a.owner << "\n";
  return absl::OkStatus();
}

}  // namespace

void RegisterClaimCommands(CLI::App& app, CommandContext& ctx) {
  auto a = std::make_shared<ClaimArgs>();
  CLI::App* c = app.add_subcommand(
      "claim",
      "Claim the verified, unclaimed CDS with a first manifest approved by an owner listed in "
      "it (run c8sctl verify first)");
  AddOnlineFlags(c, a->online);
  c->add_option("--manifest", a->manifest,
                "Manifest to claim with (default: the pending proposal, see --hash)");
  c->add_option("--hash", a->hash, "Claim with the pending proposal of this manifestHash");
  c->add_option("--key", a->key, "Owner private key (PEM, P-256 or Ed25519)")->required();
  c->add_option("--owner", a->owner, "Owner name as listed in the manifest")->required();
  c->add_flag("--yes", a->yes, "Do not ask for confirmation");
  c->callback([a, &ctx] { ctx.exit_code = Finish(ctx, "claim", RunClaim(*a, ctx)); });
}

}  // namespace c8s::cli
