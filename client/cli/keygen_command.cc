#include "client/cli/keygen_command.h"

#include <sys/stat.h>

#include <memory>

#include "client/cli/app.h"
#include "lib/base/fd.h"
#include "lib/base/status.h"
#include "lib/base/strings.h"
#include "lib/crypto/hash.h"

namespace c8s::cli {
namespace {

struct KeygenArgs {
  std::string role, type, out, public_out;
  bool force = false;
};

bool Exists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

int RunKeygen(const KeygenArgs& a, CommandContext& ctx) {
  auto usage = [&ctx](std::string_view msg) {
    ctx.err << "c8sctl keygen: " << msg << "\n";
    return kExitUsage;
  };
  crypto::KeyType type;
  std::string purpose;
  if (a.role == "owner") {
    std::string t = a.type.empty() ? "p256" : a.type;
    if (t != "p256" && t != "ed25519") {
      return usage(StrCat("--type ", t, ": owner signing keys are p256 or ed25519"));
    }
    type = t == "p256" ? crypto::KeyType::kP256 : crypto::KeyType::kEd25519;
    purpose =
        "owner signing key: signs manifest approval statements; list its public key in "
        "the manifest's `owners`";
  } else {
    if (!a.type.empty() && a.type != "x25519") {
      return usage(StrCat("--type ", a.type, ": recovery keys are x25519 (HPKE)"));
    }
    type = crypto::KeyType::kX25519;
    purpose =
        "recovery key: the CDS encrypts its seed to it (HPKE); list its public key in the "
        "manifest's `recoveryKeys` and keep the private key offline";
  }
  std::string public_out = a.public_out.empty() ? a.out + ".pub" : a.public_out;
  for (const std::string& path : {a.out, public_out}) {
    if (!a.force && Exists(path)) return usage(StrCat(path, " exists (use --force to replace)"));
  }
  absl::StatusOr<crypto::PrivateKey> key = crypto::PrivateKey::Generate(type);
  if (!key.ok()) return usage(StatusText(key.status()));
  crypto::PublicKey pub = key->GetPublicKey();
  absl::Status st = WriteFileAtomic(a.out, key->ToPem(), 0600);
  if (st.ok()) st = WriteFileAtomic(public_out, pub.ToPem(), 0644);
  if (!st.ok()) return usage(StatusText(st));
  ctx.out << "generated " << crypto::KeyTypeName(type) << " " << purpose << "\n"
          << "  private key: " << a.out << " (mode 0600)\n"
          << "  public key:  " << public_out << " (" << crypto::Sha256Prefixed(pub.SpkiDer())
          << ")\n";
  return kExitOk;
}

}  // namespace

void RegisterKeygenCommands(CLI::App& app, CommandContext& ctx) {
  auto a = std::make_shared<KeygenArgs>();
  CLI::App* k = app.add_subcommand(
      "keygen",
      "Generate an owner key: --role owner (signing, P-256 default or Ed25519) or --role "
      "recovery (X25519 for HPKE)");
  k->add_option("--role", a->role, "owner (approves manifests) or recovery (receives the seed)")
      ->required()
      ->check(CLI::IsMember({"owner", "recovery"}));
  k->add_option("--type", a->type, "owner: p256 (default) or ed25519; recovery: x25519");
  k->add_option("--out", a->out, "Private key file (PEM PKCS#8, written 0600)")->required();
  k->add_option("--public-out", a->public_out, "Public key file (default: <out>.pub)");
  k->add_flag("--force", a->force, "Replace existing files");
  k->callback([a, &ctx] { ctx.exit_code = RunKeygen(*a, ctx); });
}

}  // namespace c8s::cli
