#include "client/cli/recovery_commands.h"

#include <chrono>
#include <memory>
#include <thread>

#include "client/cli/backup_file.h"
#include "client/cli/online.h"
#include "client/cli/reference_flags.h"
#include "client/sdk/recovery.h"
#include "lib/attest/verify_error.h"
#include "lib/base/clock.h"
#include "lib/base/fd.h"
#include "lib/base/status.h"
#include "lib/base/strings.h"
#include "lib/crypto/hash.h"

namespace c8s::cli {
namespace {

struct BackupArgs {
  OnlineFlags online;
  std::string out;
};

struct RecoverArgs {
  OnlineFlags online;
  ReferenceFlags reference;
  std::string recovery_key, backup, cluster;
  int wait_seconds = 30;
};

absl::Status RunBackup(const BackupArgs& a, CommandContext& ctx) {
  Progress progress(ctx.err, "backup", 3);
  ASSIGN_OR_RETURN(Session s, OpenSession(a.online, ctx, &progress));
  progress.Step("exporting the stored objects (encrypted; nothing readable without the seed)");
  ASSIGN_OR_RETURN(std::vector<client::StoredObject> objects, s.client->Backup());
  if (objects.empty()) return absl::FailedPreconditionError("the CDS exported no objects");
  Backup b{s.pinned.cluster, FormatRfc3339(absl::Now()), s.check.head, std::move(objects)};
  progress.Step(StrCat("writing ", a.out));
  RETURN_IF_ERROR(WriteFileAtomic(a.out, BackupToJson(b), 0600));
  size_t bytes = 0;
  for (const client::StoredObject& o : b.objects) bytes += o.blob.size();
  ctx.out << "backup of cluster " << b.cluster << " at generation " << b.head.generation << " -> "
          << a.out << "\n  " << b.objects.size() << " objects, " << bytes
          << " bytes (encrypted under the cluster seed; restore with `c8sctl recover --backup`)\n";
  return absl::OkStatus();
}

// After Recover the CDS restarts its servers with the recovered CA: until then it answers
// with its sealed identity, which VerifyCds refuses (tls:), or not at all.
absl::StatusOr<client::VerifiedCds> VerifyRecovered(const RecoverArgs& a, CommandContext& ctx,
                                                    const client::CdsReferenceValues& ref,
                                                    const client::VerifyCdsOptions& options) {
  absl::Time deadline = absl::Now() + absl::Seconds(a.wait_seconds);
  while (true) {
    absl::StatusOr<client::VerifiedCds> v = [&]() -> absl::StatusOr<client::VerifiedCds> {
      ASSIGN_OR_RETURN(auto boot,
                       Connect(ctx, a.online.cds, std::nullopt, a.online.timeout_seconds));
      return client::VerifyCds(*boot, ref, options);
    }();
    bool transient = v.status().code() == absl::StatusCode::kUnavailable ||
                     v.status().message().rfind("tls: ", 0) == 0 ||
                     v.status().message().find("sealed") != std::string::npos;
    if (v.ok() || !transient || absl::Now() > deadline) return v;
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
  }
}

absl::Status RunRecover(const RecoverArgs& a, CommandContext& ctx) {
  ASSIGN_OR_RETURN(client::CdsReferenceValues ref, BuildReference(a.reference));
  ASSIGN_OR_RETURN(client::VerifyCdsOptions options, BuildVerifyOptions(a.reference));
  ASSIGN_OR_RETURN(StateDir dir, StateDir::Open(a.online.state_dir));
  ASSIGN_OR_RETURN(std::optional<PinnedCds> pinned, dir.Load());
  std::string cluster = pinned ? pinned->cluster : a.cluster;
  if (cluster.empty()) {
    return absl::InvalidArgumentError(
        "recover needs to know the cluster: a --state-dir where its CDS was verified, or "
        "--cluster sha256:<H(CA SPKI)>");
  }
  if (pinned && !a.cluster.empty() && a.cluster != pinned->cluster) {
    return absl::InvalidArgumentError(
        StrCat("--cluster ", a.cluster, " but ", dir.path(), " pins cluster ", pinned->cluster));
  }
  ASSIGN_OR_RETURN(std::string key_pem, ReadFile(a.recovery_key, 1 << 20));
  absl::StatusOr<crypto::PrivateKey> key = crypto::PrivateKey::FromPem(key_pem);
  if (!key.ok())
    return absl::InvalidArgumentError(StrCat("--recovery-key: ", key.status().message()));
  std::vector<client::StoredObject> restore;
  std::optional<BackupEnvelopes> carried;
  if (!a.backup.empty()) {
    ASSIGN_OR_RETURN(std::string text, ReadFile(a.backup, 256 << 20));
    absl::StatusOr<Backup> b = ParseBackup(text);
    if (b.ok() && b->cluster != cluster) {
      return absl::PermissionDeniedError(
          StrCat("backup ", a.backup, " is of cluster ", b->cluster, ", not of ", cluster));
    }
    absl::StatusOr<std::optional<BackupEnvelopes>> envelopes =
        b.ok() ? RecoveryEnvelopesOf(*b) : b.status();
    if (!envelopes.ok()) {
      return absl::InvalidArgumentError(StrCat(a.backup, ": ", envelopes.status().message()));
    }
    carried = *std::move(envelopes);
    restore = std::move(b->objects);
  }

  Progress progress(ctx.err, "recover", 5);
  progress.Step(
      StrCat("recovery challenge from the sealed CDS at ", a.online.cds, " (fresh nonce)"));
  ASSIGN_OR_RETURN(auto sealed, Connect(ctx, a.online.cds, std::nullopt, a.online.timeout_seconds));
  Bytes nonce = crypto::RandomBytes(32);
  ASSIGN_OR_RETURN(client::RecoveryChallenge challenge, sealed->GetRecoveryChallenge(nonce));
  ASSIGN_OR_RETURN(client::VerifiedRecoveryTarget target,
                   client::VerifyRecoveryChallenge(nonce, challenge, ref, options));
  if (challenge.envelopes.empty() && carried.has_value()) {
    // The storage lost the recovery record as well: open the backup's copy (the CDS restores
    // it with the other objects, and opens the seed with the same cluster).
    challenge.cluster = cluster;
    challenge.envelopes = std::move(carried->envelopes);
    challenge.envelopes_generation = carried->generation;
  }
  progress.Step("opening the recovery envelope for this key");
  ASSIGN_OR_RETURN(Bytes seed, client::OpenRecoveryEnvelope(challenge, *key, cluster));
  progress.Step("sending the seed, sealed to the recipient key the CDS proved it holds");
  ASSIGN_OR_RETURN(crypto::hpke::Sealed box, client::SealSeedForRecovery(seed, target, cluster));
  ASSIGN_OR_RETURN(client::RecoverResult recovered,
                   sealed->Recover(box.enc, box.ciphertext, restore));

  progress.Step("verifying the recovered CDS (c8s/cds/v1) against the pinned cluster");
  ASSIGN_OR_RETURN(client::VerifiedCds cds, VerifyRecovered(a, ctx, ref, options));
  if (cds.cluster != cluster) {
    return absl::PermissionDeniedError(StrCat("recovered CDS attests cluster ", cds.cluster,
                                              ", not the recovered cluster ", cluster));
  }
  PinnedCds p = pinned.value_or(PinnedCds{});
  if (pinned && p.ca_der != cds.ca.ToDer()) {
    return absl::PermissionDeniedError(
        "recovered CDS attests another CA certificate than the "
        "pinned one for the same cluster key");
  }
  p.target = a.online.cds;
  p.ca_der = cds.ca.ToDer();
  p.cluster = cds.cluster;
  p.sealing_spki_der = cds.sealing_key.SpkiDer();
  p.image_digest = cds.image_digest;
  p.pod_ref = cds.pod_ref;
  p.platform = std::string(attest::PlatformName(cds.claims.platform));
  p.assurance = std::string(attest::AssuranceLevelName(cds.claims.assurance));
  p.measurement = HexEncode(cds.claims.measurement);
  p.verified_at = FormatRfc3339(absl::Now());
  int64_t seen = p.head.generation;
  ASSIGN_OR_RETURN(auto client, Connect(ctx, a.online.cds, cds.ca, a.online.timeout_seconds));
  ASSIGN_OR_RETURN(auto known, dir.KnownManifests());
  Session s{std::move(dir), std::move(p), std::move(client), std::move(known), {}, {}, {}};
  progress.Step("history of the recovered CDS (never below the head seen)");
  RETURN_IF_ERROR(s.Refresh(nullptr));
  ctx.out << "recovered cluster " << s.pinned.cluster << "\n"
          << "  CA:        " << cds.ca.Subject() << ", serial " << cds.ca.SerialHex()
          << (pinned ? " (the pinned CA)" : " (now pinned)") << "\n"
          << "  history:   generation " << s.check.head.generation << ", head "
          << s.check.head.entry_hash << " (the CDS reported generation "
          << recovered.history_generation << "; seen here before: " << seen << ")\n"
          << "  restored:  " << restore.size() << " objects from a backup\n";
  return absl::OkStatus();
}

}  // namespace

void RegisterRecoveryCommands(CLI::App& app, CommandContext& ctx) {
  auto b = std::make_shared<BackupArgs>();
  CLI::App* backup = app.add_subcommand(
      "backup",
      "Export the CDS's encrypted storage objects (state, recovery envelopes) over the verified "
      "channel, for owners who do not trust the storage to survive");
  AddOnlineFlags(backup, b->online);
  backup->add_option("--out", b->out, "Backup file to write (mode 0600)")->required();
  backup->callback([b, &ctx] { ctx.exit_code = Finish(ctx, "backup", RunBackup(*b, ctx)); });

  auto r = std::make_shared<RecoverArgs>();
  CLI::App* recover = app.add_subcommand(
      "recover",
      "Recover a sealed CDS after the loss of every replica: verify its c8s/recover/v1 evidence, "
      "open your recovery envelope and send it the seed; then verify it is the pinned cluster");
  AddOnlineFlags(recover, r->online, /*cds_required=*/true);
  AddReferenceFlags(recover, r->reference);
  recover->add_option("--recovery-key", r->recovery_key, "Owner recovery private key (X25519 PEM)")
      ->required();
  recover->add_option("--backup", r->backup, "Restore the objects of this c8sctl backup file");
  recover->add_option("--cluster", r->cluster,
                      "The cluster sha256:<H(CA SPKI)> when --state-dir has none pinned");
  recover
      ->add_option("--wait", r->wait_seconds,
                   "Seconds to wait for the recovered CDS to serve with its CA")
      ->capture_default_str();
  recover->callback([r, &ctx] { ctx.exit_code = Finish(ctx, "recover", RunRecover(*r, ctx)); });
}

}  // namespace c8s::cli
