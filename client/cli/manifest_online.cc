#include "client/cli/manifest_online.h"

#include <memory>

#include "client/cli/approve_flow.h"
#include "client/cli/manifest_summary.h"
#include "lib/base/fd.h"
#include "lib/base/status.h"
#include "lib/base/strings.h"
#include "lib/manifest/diff.h"
#include "lib/manifest/serialize.h"

namespace c8s::cli {
namespace {

struct PendingArgs {
  OnlineFlags online;
  std::string hash;
  bool json = false;
};

struct ApproveArgs {
  OnlineFlags online;
  std::string hash, key, owner;
  bool yes = false;
};

struct HistoryArgs {
  OnlineFlags online;
  std::string out;
};

absl::Status RequireClaimed(const Session& s) {
  if (s.active) return absl::OkStatus();
  return absl::FailedPreconditionError(
      "the CDS is not claimed yet: there is no active manifest (use `c8sctl claim`)");
}

absl::Status RunPending(const PendingArgs& a, CommandContext& ctx) {
  Progress progress(ctx.err, "manifest pending", 2);
  ASSIGN_OR_RETURN(Session s, OpenSession(a.online, ctx, &progress));
  progress.Step("pending proposal");
  client::PendingManifest raw;
  ASSIGN_OR_RETURN(manifest::Manifest m, FetchPending(s, a.hash, &raw));
  RETURN_IF_ERROR(CheckPendingContext(raw, s));
  RETURN_IF_ERROR(s.dir.SaveManifest(m, false));
  if (a.json) {
    ctx.out << manifest::PrettyJson(manifest::ToJson(m)) << "\n";
    return absl::OkStatus();
  }
  ctx.out << "pending: " << raw.manifest_hash << "\n"
          << "  would become generation " << raw.next_generation << " after "
          << raw.previous_entry_hash << "\n"
          << ManifestSummary(m)
          << "review with `c8sctl manifest diff`, approve with `c8sctl "
             "manifest approve --hash "
          << raw.manifest_hash << " --key KEY --owner NAME`\n";
  return absl::OkStatus();
}

absl::Status ShowDiff(Session& s, const std::string& hash, CommandContext& ctx,
                      manifest::Manifest* pending, size_t* widening) {
  RETURN_IF_ERROR(RequireClaimed(s));
  client::PendingManifest raw;
  ASSIGN_OR_RETURN(manifest::Manifest m, FetchPending(s, hash, &raw));
  RETURN_IF_ERROR(CheckPendingContext(raw, s));
  RETURN_IF_ERROR(s.dir.SaveManifest(m, false));
  std::vector<manifest::DiffLine> lines = manifest::Diff(s.active->manifest, m);
  ctx.out << "--- active  generation " << s.active->generation << " " << s.active->manifest_hash
          << "\n+++ pending generation " << raw.next_generation << " " << raw.manifest_hash << "\n"
          << manifest::RenderDiff(lines);
  size_t widen = 0;
  for (const manifest::DiffLine& l : lines) widen += l.widens;
  if (widening) *widening = widen;
  if (pending) *pending = std::move(m);
  return absl::OkStatus();
}

absl::Status RunApprove(const ApproveArgs& a, CommandContext& ctx) {
  ASSIGN_OR_RETURN(OwnerKey key, LoadOwnerKey(a.key, a.owner));
  Progress progress(ctx.err, "manifest approve", 3);
  ASSIGN_OR_RETURN(Session s, OpenSession(a.online, ctx, &progress));
  progress.Step("pending proposal and its diff against the active manifest");
  manifest::Manifest pending;
  size_t widen = 0;
  RETURN_IF_ERROR(ShowDiff(s, a.hash, ctx, &pending, &widen));
  if (widen > 0) {
    ctx.err << "warning: " << widen << " change(s) marked ! widen what the cluster trusts or "
            << "permits\n";
  }
  ASSIGN_OR_RETURN(std::string hash, manifest::ManifestHash(pending));
  manifest::ApprovalStatement st = NextStatement(s, hash);
  ASSIGN_OR_RETURN(Bytes sig, SignChecked(st, key, s.active->manifest));
  RETURN_IF_ERROR(
      Confirm(ctx, a.yes,
              StrCat("approve ", hash, " as generation ", st.generation, " as owner ", a.owner)));
  progress.Step(StrCat("sending the approval for generation ", st.generation));
  ASSIGN_OR_RETURN(std::string statement, manifest::CanonicalBytes(st));
  ASSIGN_OR_RETURN(client::ApproveResult r, s.client->Approve(statement, a.owner, sig));
  RETURN_IF_ERROR(CheckActivation(r, st, s));
  RETURN_IF_ERROR(s.Refresh(nullptr));
  ctx.out << "approved: generation " << s.check.head.generation << " is active, manifest " << hash
          << ", entry " << s.check.head.entry_hash << "\n";
  return absl::OkStatus();
}

std::string Approvers(const manifest::HistoryEntry& e) {
  std::string out;
  for (const manifest::Approval& a : e.approvals) out += StrCat(out.empty() ? "" : ", ", a.owner);
  return "[" + out + "]";
}

absl::Status RunHistory(const HistoryArgs& a, CommandContext& ctx) {
  Progress progress(ctx.err, "manifest history", 1);
  ASSIGN_OR_RETURN(Session s, OpenSession(a.online, ctx, &progress));
  if (!a.out.empty()) {
    RETURN_IF_ERROR(
        WriteFileAtomic(a.out, manifest::PrettyJson(manifest::HistoryToJson(s.history)), 0644));
  }
  ctx.out << "history of cluster " << s.pinned.cluster << ": " << s.history.size()
          << " entries, hash chain and CA signatures verified\n";
  for (const manifest::SignedHistoryEntry& e : s.history) {
    bool checked = std::find(s.check.approvals_verified.begin(), s.check.approvals_verified.end(),
                             e.entry.generation) != s.check.approvals_verified.end();
    ctx.out << "  " << e.entry.generation << "  " << e.entry.activated_at << "  "
            << manifest::ApprovalModeName(e.entry.mode) << "  " << e.entry.manifest_hash;
    if (e.entry.mode == manifest::ApprovalMode::kAutomatic) {
      ctx.out << "  activated WITHOUT owner approval (Automatic mode, development only"
              << (checked ? ", as the manifest in force allows)" : ")") << "\n";
      continue;
    }
    ctx.out << "  approved by " << Approvers(e.entry)
            << (checked ? " (owner signatures verified)"
                        : " (owner signatures not checked: manifest in force never seen here)")
            << "\n";
  }
  if (s.active && s.active->manifest.approval == manifest::ApprovalMode::kAutomatic) {
    ctx.err << "WARNING: the active manifest's approval mode is AUTOMATIC (development only): "
               "proposals become active without an owner's approval\n";
  }
  ctx.out << "head: generation " << s.check.head.generation << " " << s.check.head.entry_hash
          << " (saved; a lower head is refused from now on)\n";
  return absl::OkStatus();
}

}  // namespace

int OnlineDiff(const OnlineFlags& flags, const std::string& hash, CommandContext& ctx) {
  Progress progress(ctx.err, "manifest diff", 1);
  absl::StatusOr<Session> s = OpenSession(flags, ctx, &progress);
  if (!s.ok()) return Finish(ctx, "manifest diff", s.status());
  return Finish(ctx, "manifest diff", ShowDiff(*s, hash, ctx, nullptr, nullptr));
}

void RegisterManifestOnlineCommands(CLI::App* group, CommandContext& ctx) {
  auto p = std::make_shared<PendingArgs>();
  CLI::App* pending =
      group->add_subcommand("pending", "Show a pending proposal fetched over the verified channel");
  AddOnlineFlags(pending, p->online);
  pending->add_option("--hash", p->hash, "manifestHash of the proposal (default: the newest)");
  pending->add_flag("--json", p->json, "Print the pending manifest as JSON");
  pending->callback(
      [p, &ctx] { ctx.exit_code = Finish(ctx, "manifest pending", RunPending(*p, ctx)); });

  auto a = std::make_shared<ApproveArgs>();
  CLI::App* approve = group->add_subcommand(
      "approve",
      "Show the diff of a pending proposal and sign its approval statement (cluster, next "
      "generation, verified predecessor, manifest hash) with an owner key");
  AddOnlineFlags(approve, a->online);
  approve->add_option("--hash", a->hash, "manifestHash to approve (default: the newest pending)");
  approve->add_option("--key", a->key, "Owner private key (PEM, P-256 or Ed25519)")->required();
  approve->add_option("--owner", a->owner, "Owner name in the active manifest")->required();
  approve->add_flag("--yes", a->yes, "Do not ask for confirmation");
  approve->callback(
      [a, &ctx] { ctx.exit_code = Finish(ctx, "manifest approve", RunApprove(*a, ctx)); });

  auto h = std::make_shared<HistoryArgs>();
  CLI::App* history = group->add_subcommand(
      "history",
      "Fetch and verify the manifest history: hash chain, CA signatures, owner signatures, no "
      "rollback below the head seen");
  AddOnlineFlags(history, h->online);
  history->add_option("--out", h->out, "Also write the history JSON here (for verify-history)");
  history->callback(
      [h, &ctx] { ctx.exit_code = Finish(ctx, "manifest history", RunHistory(*h, ctx)); });
}

}  // namespace c8s::cli
