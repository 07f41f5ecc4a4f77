#include "client/cli/online.h"

#include "client/cli/app.h"
#include "lib/attest/verify_error.h"
#include "lib/base/status.h"
#include "lib/base/strings.h"
#include "lib/manifest/serialize.h"

namespace c8s::cli {

void AddOnlineFlags(CLI::App* cmd, OnlineFlags& flags, bool cds_required) {
  CLI::Option* cds = cmd->add_option(
      "--cds", flags.cds,
      cds_required ? "CDS address HOST:PORT" : "CDS address HOST:PORT (default: the verified one)");
  if (cds_required) cds->required();
  cmd->add_option("--state-dir", flags.state_dir,
                  "Where c8sctl keeps the pinned CA, sealing key, history head and manifests")
      ->capture_default_str();
  cmd->add_option("--timeout", flags.timeout_seconds, "Seconds per CDS call")
      ->capture_default_str()
      ->check(CLI::Range(1, 600));
}

void Progress::Step(std::string_view what) {
  err_ << "c8sctl " << command_ << ": [" << ++at_ << "/" << steps_ << "] " << what << "\n";
  err_.flush();
}

absl::StatusOr<std::unique_ptr<client::CdsClient>> Connect(
    const CommandContext& ctx, const std::string& target,
    std::optional<crypto::Certificate> pinned_ca, int timeout_seconds) {
  if (!ctx.connect) {
    return absl::UnimplementedError("this c8sctl was built without gRPC: it cannot reach a CDS");
  }
  client::ConnectOptions o;
  o.target = target;
  o.pinned_ca = std::move(pinned_ca);
  o.call_timeout = absl::Seconds(timeout_seconds);
  return ctx.connect(o);
}

manifest::ManifestLookup Session::Lookup() const {
  return [this](std::string_view hash) -> const manifest::Manifest* {
    auto it = known.find(std::string(hash));
    return it == known.end() ? nullptr : &it->second;
  };
}

absl::Status Session::Refresh(Progress* progress, bool save) {
  if (progress) progress->Step(StrCat("history from ", client->target(), " (pinned CA)"));
  ASSIGN_OR_RETURN(history, client::FetchHistory(*client));
  ASSIGN_OR_RETURN(check, client::CheckHistory(history, pinned.Ca(), pinned.head, Lookup()));
  active.reset();
  if (!history.empty()) {
    ASSIGN_OR_RETURN(client::VerifiedActive a, client::FetchActive(*client, history));
    if (save) RETURN_IF_ERROR(dir.SaveManifest(a.manifest, true));
    ASSIGN_OR_RETURN(std::string hash, manifest::ManifestHash(a.manifest));
    known.emplace(hash, a.manifest);
    pinned.approval_mode = std::string(manifest::ApprovalModeName(a.manifest.approval));
    active = std::move(a);
    // Approvals of the newest entry can be checked now that its predecessor is known.
    ASSIGN_OR_RETURN(check, client::CheckHistory(history, pinned.Ca(), pinned.head, Lookup()));
  }
  RETURN_IF_ERROR(AdvanceHead(pinned, check.head));
  return save ? dir.Save(pinned) : absl::OkStatus();
}

absl::StatusOr<Session> OpenSession(const OnlineFlags& flags, const CommandContext& ctx,
                                    Progress* progress) {
  ASSIGN_OR_RETURN(StateDir dir, StateDir::Open(flags.state_dir));
  ASSIGN_OR_RETURN(PinnedCds pinned, dir.Require());
  std::string target = flags.cds.empty() ? pinned.target : flags.cds;
  ASSIGN_OR_RETURN(std::unique_ptr<client::CdsClient> client,
                   Connect(ctx, target, pinned.Ca(), flags.timeout_seconds));
  ASSIGN_OR_RETURN(auto known, dir.KnownManifests());
  Session s{std::move(dir), std::move(pinned), std::move(client), std::move(known), {}, {}, {}};
  RETURN_IF_ERROR(s.Refresh(progress));
  return s;
}

int ExitCodeFor(const absl::Status& st) {
  if (st.ok()) return kExitOk;
  if (attest::GetVerifyErrorKind(st).has_value()) return kExitCheckFailed;
  switch (st.code()) {
    case absl::StatusCode::kPermissionDenied:
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kUnauthenticated:
    case absl::StatusCode::kDataLoss:
      return kExitCheckFailed;
    default:
      return kExitUsage;
  }
}

int Finish(CommandContext& ctx, std::string_view command, const absl::Status& st) {
  if (st.ok()) return kExitOk;
  ctx.err << "c8sctl " << command << ": ";
  if (std::optional<attest::VerifyErrorKind> kind = attest::GetVerifyErrorKind(st)) {
    ctx.err << "REFUSED (" << attest::VerifyErrorKindName(*kind) << "): ";
  } else if (ExitCodeFor(st) == kExitCheckFailed) {
    ctx.err << "REFUSED: ";
  }
  ctx.err << StatusText(st) << "\n";
  return ExitCodeFor(st);
}

}  // namespace c8s::cli
