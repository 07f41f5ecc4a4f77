// Shared plumbing of c8sctl's online commands: flags (--cds, --state-dir, --timeout), a
// session over the channel pinned to the verified CA with the history checked against the
// newest head seen, progress lines, and the mapping of failures to exit codes and messages.
//
//   OnlineFlags flags;  AddOnlineFlags(cmd, flags);
//   ASSIGN_OR_RETURN(Session s, OpenSession(flags, ctx, progress));  // history checked, head saved
//   return Finish(ctx, "manifest approve", status);                   // 0 / 1 / 2
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "client/cli/command.h"
#include "client/cli/state_dir.h"
#include "client/sdk/cds_client.h"
#include "client/sdk/cds_session.h"

namespace c8s::cli {

struct OnlineFlags {
  std::string cds;  // host:port; default: where the pinned CDS was verified
  std::string state_dir = DefaultStateDir();
  int timeout_seconds = 15;
};
void AddOnlineFlags(CLI::App* cmd, OnlineFlags& flags, bool cds_required = false);

// "c8sctl verify: [2/5] history ..." on stderr, so stdout stays machine-readable.
class Progress {
 public:
  Progress(std::ostream& err, std::string command, int steps)
      : err_(err), command_(std::move(command)), steps_(steps) {}
  void Step(std::string_view what);

 private:
  std::ostream& err_;
  std::string command_;
  int steps_;
  int at_ = 0;
};

absl::StatusOr<std::unique_ptr<client::CdsClient>> Connect(
    const CommandContext& ctx, const std::string& target,
    std::optional<crypto::Certificate> pinned_ca, int timeout_seconds);

struct Session {
  StateDir dir;
  PinnedCds pinned;
  std::unique_ptr<client::CdsClient> client;
  std::map<std::string, manifest::Manifest> known;  // manifests seen, by hash
  std::vector<manifest::SignedHistoryEntry> history;
  client::HistoryCheck check;
  std::optional<client::VerifiedActive> active;

  manifest::ManifestLookup Lookup() const;
  // Re-fetches and checks the history (never below the head seen) and the active manifest;
  // with `save`, stores the active manifest and the new head (c8sctl verify saves only once
  // every check passed).
  absl::Status Refresh(Progress* progress, bool save = true);
};

// Loads the pinned CDS, connects to it over the pinned channel and Refresh()es.
absl::StatusOr<Session> OpenSession(const OnlineFlags& flags, const CommandContext& ctx,
                                    Progress* progress);

// 1 when a check failed (a VerifyErrorKind, PermissionDenied, FailedPrecondition,
// Unauthenticated, DataLoss), 2 for usage, input and transport errors.
int ExitCodeFor(const absl::Status& st);
// Prints "c8sctl <command>: [REFUSED (<kind>): ]<message>" for a failure; returns the exit code.
int Finish(CommandContext& ctx, std::string_view command, const absl::Status& st);

}  // namespace c8s::cli
