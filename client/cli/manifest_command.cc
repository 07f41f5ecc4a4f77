#include "client/cli/manifest_command.h"

#include <map>
#include <memory>

#include "client/cli/app.h"
#include "client/cli/manifest_online.h"
#include "lib/base/fd.h"
#include "lib/base/status.h"
#include "lib/base/strings.h"
#include "lib/crypto/x509.h"
#include "lib/manifest/approval.h"
#include "lib/manifest/diff.h"
#include "lib/manifest/history.h"
#include "lib/manifest/parse.h"
#include "lib/manifest/serialize.h"

namespace c8s::cli {
namespace {

using manifest::Manifest;

// Reads and parses a manifest; on failure reports and returns nullopt with `exit` set.
std::optional<Manifest> Load(const std::string& path, CommandContext& ctx, int invalid_exit,
                             int* exit) {
  absl::StatusOr<std::string> text = ReadFile(path, 16 << 20);
  if (!text.ok()) {
    ctx.err << "c8sctl manifest: " << StatusText(text.status()) << "\n";
    *exit = kExitUsage;
    return std::nullopt;
  }
  absl::StatusOr<Manifest> m = manifest::ParseManifest(*text);
  if (!m.ok()) {
    ctx.err << "c8sctl manifest: " << path << ": " << StatusText(m.status()) << "\n";
    *exit = invalid_exit;
    return std::nullopt;
  }
  return *std::move(m);
}

int Fail(CommandContext& ctx, int code, std::string_view what, const absl::Status& st) {
  ctx.err << "c8sctl manifest " << what << ": " << StatusText(st) << "\n";
  return code;
}

int Hash(const std::string& path, bool canonical, CommandContext& ctx) {
  int exit = kExitOk;
  std::optional<Manifest> m = Load(path, ctx, kExitUsage, &exit);
  if (!m) return exit;
  auto out = canonical ? manifest::CanonicalBytes(*m) : manifest::ManifestHash(*m);
  if (!out.ok()) return Fail(ctx, kExitUsage, canonical ? "canonical" : "hash", out.status());
  ctx.out << *out << (canonical ? "" : "\n");
  return kExitOk;
}

int Validate(const std::string& path, CommandContext& ctx) {
  int exit = kExitOk;
  std::optional<Manifest> m = Load(path, ctx, kExitCheckFailed, &exit);
  if (!m) return exit;
  auto hash = manifest::ManifestHash(*m);
  if (!hash.ok()) return Fail(ctx, kExitCheckFailed, "validate", hash.status());
  ctx.out << "valid: " << path << "\n  manifestHash: " << *hash
          << "\n  trustDomain:  " << m->trust_domain
          << "\n  approval:     " << manifest::ApprovalModeName(m->approval)
          << (m->approval == manifest::ApprovalMode::kAutomatic ? " (development only)" : "")
          << "\n  owners: " << m->owners.size() << ", identities: " << m->identities.size()
          << ", secrets: " << m->secrets.size() << ", ingresses: " << m->ingresses.size()
          << ", attestation policies: " << m->attestation_policies.size() << "\n";
  return kExitOk;
}

int DiffCommand(const std::string& old_path, const std::string& new_path, CommandContext& ctx) {
  int exit = kExitOk;
  std::optional<Manifest> a = Load(old_path, ctx, kExitUsage, &exit);
  if (!a) return exit;
  std::optional<Manifest> b = Load(new_path, ctx, kExitUsage, &exit);
  if (!b) return exit;
  ctx.out << manifest::RenderDiff(manifest::Diff(*a, *b));
  return kExitOk;
}

struct SignArgs {
  std::string manifest, key, owner, cluster, previous, out, active;
  int64_t generation = 0;
};

int SignApprovalCommand(const SignArgs& a, CommandContext& ctx) {
  int exit = kExitOk;
  std::optional<Manifest> proposed = Load(a.manifest, ctx, kExitUsage, &exit);
  if (!proposed) return exit;
  absl::StatusOr<std::string> pem = ReadFile(a.key, 1 << 20);
  if (!pem.ok()) return Fail(ctx, kExitUsage, "sign-approval", pem.status());
  absl::StatusOr<crypto::PrivateKey> key = crypto::PrivateKey::FromPem(*pem);
  if (!key.ok()) return Fail(ctx, kExitUsage, "sign-approval: --key", key.status());
  absl::StatusOr<std::string> hash = manifest::ManifestHash(*proposed);
  if (!hash.ok()) return Fail(ctx, kExitUsage, "sign-approval", hash.status());
  manifest::ApprovalStatement st{a.cluster, a.generation, a.previous, *hash};
  // Validate the typed flags exactly as a verifier will parse them.
  absl::StatusOr<manifest::ApprovalStatement> checked =
      manifest::ParseApprovalStatementJson(manifest::ToJson(st));
  if (!checked.ok()) return Fail(ctx, kExitUsage, "sign-approval", checked.status());
  absl::StatusOr<Bytes> sig = manifest::SignApproval(st, *key);
  if (!sig.ok()) return Fail(ctx, kExitUsage, "sign-approval", sig.status());
  // Catch a wrong key or owner name before the CDS does: generation 1 is checked against the
  // manifest itself, later ones against --active when given.
  std::optional<Manifest> signers;
  if (a.generation == 1) {
    signers = proposed;
  } else if (!a.active.empty()) {
    signers = Load(a.active, ctx, kExitUsage, &exit);
    if (!signers) return exit;
  }
  if (signers) {
    absl::Status ok = manifest::VerifyApprovalSignature(st, *sig, a.owner, *signers);
    if (!ok.ok()) return Fail(ctx, kExitCheckFailed, "sign-approval", ok);
  } else {
    ctx.err << "note: without --active the owner \"" << a.owner
            << "\" was not checked against the active manifest\n";
  }
  manifest::Approval approval{a.owner, st, *sig};
  nlohmann::json doc = {{"owner", approval.owner},
                        {"statement", manifest::ToJson(approval.statement)},
                        {"signature", Base64Encode(approval.signature)}};
  absl::Status written = WriteFileAtomic(a.out, manifest::PrettyJson(doc), 0644);
  if (!written.ok()) return Fail(ctx, kExitUsage, "sign-approval", written);
  ctx.out << "approved " << *hash << " as generation " << a.generation << " for cluster "
          << a.cluster << " by " << a.owner << " -> " << a.out << "\n";
  return kExitOk;
}

absl::StatusOr<crypto::PublicKey> LoadCaKey(const std::string& path) {
  ASSIGN_OR_RETURN(std::string pem, ReadFile(path, 1 << 20));
  if (pem.find("BEGIN CERTIFICATE") != std::string::npos) {
    ASSIGN_OR_RETURN(crypto::Certificate cert, crypto::Certificate::FromPem(pem));
    return cert.GetPublicKey();
  }
  return crypto::PublicKey::FromPem(pem);
}

struct HistoryArgs {
  std::string file, ca, seen;
  std::vector<std::string> manifests;
};

int VerifyHistoryCommand(const HistoryArgs& a, CommandContext& ctx) {
  absl::StatusOr<crypto::PublicKey> ca = LoadCaKey(a.ca);
  if (!ca.ok()) return Fail(ctx, kExitUsage, "verify-history: --ca", ca.status());
  absl::StatusOr<std::string> text = ReadFile(a.file, 64 << 20);
  if (!text.ok()) return Fail(ctx, kExitUsage, "verify-history", text.status());
  auto entries = manifest::ParseHistory(*text);
  if (!entries.ok()) return Fail(ctx, kExitCheckFailed, "verify-history", entries.status());
  std::map<std::string, Manifest> by_hash;
  for (const std::string& path : a.manifests) {
    int exit = kExitOk;
    std::optional<Manifest> m = Load(path, ctx, kExitUsage, &exit);
    if (!m) return exit;
    by_hash[*manifest::ManifestHash(*m)] = *std::move(m);
  }
  manifest::ManifestLookup lookup;
  if (!by_hash.empty()) {
    lookup = [&by_hash](std::string_view h) -> const Manifest* {
      auto it = by_hash.find(std::string(h));
      return it == by_hash.end() ? nullptr : &it->second;
    };
  }
  auto head = manifest::VerifyHistory(*entries, *ca, lookup);
  if (!head.ok()) return Fail(ctx, kExitCheckFailed, "verify-history", head.status());
  if (!a.seen.empty()) {
    size_t colon = a.seen.find(':');
    manifest::HistoryHead seen;
    try {
      seen = {std::stoll(a.seen.substr(0, colon)), a.seen.substr(colon + 1)};
    } catch (const std::exception&) {
      ctx.err << "c8sctl manifest verify-history: --seen wants GENERATION:sha256:<hex>\n";
      return kExitUsage;
    }
    absl::Status st = manifest::CheckHead(seen, *head);
    if (st.ok()) st = manifest::CheckExtends(seen, *entries);
    if (!st.ok()) return Fail(ctx, kExitCheckFailed, "verify-history", st);
  }
  ctx.out << "history ok: " << entries->size() << " entries, cluster " << manifest::ClusterId(*ca)
          << "\n  head: generation " << head->generation << " " << head->entry_hash
          << "\n  approvals: "
          << (lookup ? "signatures checked against owners"
                     : "chain only (pass --manifest to "
                       "check owner signatures)")
          << "\n";
  return kExitOk;
}

}  // namespace

void RegisterManifestCommands(CLI::App& app, CommandContext& ctx) {
  CLI::App* group = app.add_subcommand(
      "manifest",
      "Hash, validate, diff and approve manifests; pending, approve and history online");
  group->require_subcommand(1);

  auto file = std::make_shared<std::string>();
  for (auto [name, help] : {std::pair{"hash", "Print the manifestHash (sha256 of RFC 8785 bytes)"},
                            std::pair{"canonical", "Print the canonical (RFC 8785) bytes"},
                            std::pair{"validate", "Check a manifest against MANIFEST.md"}}) {
    CLI::App* sub = group->add_subcommand(name, help);
    sub->add_option("FILE", *file, "Manifest JSON")->required();
    std::string which = name;
    sub->callback([file, which, &ctx] {
      ctx.exit_code =
          which == "validate" ? Validate(*file, ctx) : Hash(*file, which == "canonical", ctx);
    });
  }

  struct DiffArgs {
    std::string old_path, new_path, hash;
    OnlineFlags online;
  };
  auto d = std::make_shared<DiffArgs>();
  CLI::App* diff = group->add_subcommand(
      "diff",
      "Readable diff (lines marked ! widen permissions): of OLD and NEW files, or without them "
      "of the pending proposal against the active manifest, over the verified channel");
  diff->add_option("OLD", d->old_path, "Active manifest file");
  diff->add_option("NEW", d->new_path, "Proposed manifest file");
  diff->add_option("--hash", d->hash, "Online: the pending proposal to compare (default: newest)");
  AddOnlineFlags(diff, d->online);
  diff->callback([d, &ctx] {
    if (d->old_path.empty()) {
      ctx.exit_code = OnlineDiff(d->online, d->hash, ctx);
    } else if (d->new_path.empty()) {
      ctx.err << "c8sctl manifest diff: give both OLD and NEW, or neither (online diff)\n";
      ctx.exit_code = kExitUsage;
    } else {
      ctx.exit_code = DiffCommand(d->old_path, d->new_path, ctx);
    }
  });

  auto sign = std::make_shared<SignArgs>();
  CLI::App* s = group->add_subcommand("sign-approval", "Sign an approval statement offline");
  s->add_option("--manifest", sign->manifest, "Manifest to approve")->required();
  s->add_option("--key", sign->key, "Owner private key (PEM, P-256 or Ed25519)")->required();
  s->add_option("--owner", sign->owner, "Owner name as listed in the manifest")->required();
  s->add_option("--cluster", sign->cluster, "sha256:<H(CA SPKI DER)>")->required();
  s->add_option("--generation", sign->generation, "Next generation (active + 1)")->required();
  s->add_option("--previous", sign->previous, "Active history entry hash")->required();
  s->add_option("--out", sign->out, "Where to write the approval JSON")->required();
  s->add_option("--active", sign->active, "Active manifest, to check the owner and key");
  s->callback([sign, &ctx] { ctx.exit_code = SignApprovalCommand(*sign, ctx); });

  auto hist = std::make_shared<HistoryArgs>();
  CLI::App* h = group->add_subcommand("verify-history", "Verify a CDS manifest history");
  h->add_option("FILE", hist->file, "History JSON ({\"entries\": [...]})")->required();
  h->add_option("--ca", hist->ca, "CA certificate or public key (PEM)")->required();
  h->add_option("--manifest", hist->manifests, "Manifests of the history (checks approvals)");
  h->add_option("--seen", hist->seen, "Last seen head GENERATION:HASH (rollback/fork check)");
  h->callback([hist, &ctx] { ctx.exit_code = VerifyHistoryCommand(*hist, ctx); });

  RegisterManifestOnlineCommands(group, ctx);
}

}  // namespace c8s::cli
