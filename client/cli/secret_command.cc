#include "client/cli/secret_command.h"

#include <iostream>
#include <iterator>
#include <memory>

#include "client/cli/online.h"
#include "lib/base/fd.h"
#include "lib/base/status.h"
#include "lib/base/strings.h"
#include "lib/crypto/hash.h"
#include "lib/manifest/sealing.h"
#include "lib/manifest/serialize.h"

namespace c8s::cli {
namespace {

struct SealArgs {
  std::string state_dir = DefaultStateDir();
  std::string ref, value_file, sealing_key, out;
  int64_t version = 1;
  bool value_stdin = false;
};

absl::Status CheckRef(std::string_view ref) {
  size_t slash = ref.find('/');
  if (slash == std::string_view::npos || slash == 0 || slash + 1 == ref.size() ||
      ref.find('/', slash + 1) != std::string_view::npos) {
    return absl::InvalidArgumentError(StrCat("--ref \"", ref, "\": want namespace/name"));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> ReadValue(const SealArgs& a) {
  if (a.value_stdin == !a.value_file.empty()) {
    return absl::InvalidArgumentError(
        "give the secret value with exactly one of --value-file "
        "FILE or --value-stdin");
  }
  if (!a.value_file.empty()) return ReadFile(a.value_file, 1 << 20);
  std::string value((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
  if (value.size() > (1 << 20)) return absl::InvalidArgumentError("secret value above 1 MiB");
  return value;
}

absl::Status RunSeal(const SealArgs& a, CommandContext& ctx) {
  RETURN_IF_ERROR(CheckRef(a.ref));
  if (a.version < 1) return absl::InvalidArgumentError("--version: want >= 1");
  ASSIGN_OR_RETURN(StateDir dir, StateDir::Open(a.state_dir));
  ASSIGN_OR_RETURN(PinnedCds pinned, dir.Require());
  crypto::PublicKey attested = pinned.SealingKey();
  if (!a.sealing_key.empty()) {
    // A key handed over by someone else is only used if it is the one the CDS proved it holds.
    ASSIGN_OR_RETURN(std::string pem, ReadFile(a.sealing_key, 1 << 20));
    ASSIGN_OR_RETURN(crypto::PublicKey given, crypto::PublicKey::FromPem(pem));
    if (given.SpkiDer() != attested.SpkiDer()) {
      return absl::PermissionDeniedError(StrCat(
          "sealing key check: ", a.sealing_key, " is ", crypto::Sha256Prefixed(given.SpkiDer()),
          ", but the CDS verified in ", dir.path(), " attested ",
          crypto::Sha256Prefixed(attested.SpkiDer()), " (refusing to seal to an unattested key)"));
    }
  }
  ASSIGN_OR_RETURN(std::string value, ReadValue(a));
  ASSIGN_OR_RETURN(
      manifest::SealedSource sealed,
      manifest::SealSecret(attested, pinned.cluster, a.ref, a.version, AsBytes(value)));
  nlohmann::json doc = {
      {"sealed",
       {{"suite", sealed.suite}, {"enc", sealed.enc}, {"ciphertext", sealed.ciphertext}}}};
  std::string text = manifest::PrettyJson(doc) + "\n";
  if (a.out.empty()) {
    ctx.out << text;
  } else {
    RETURN_IF_ERROR(WriteFileAtomic(a.out, text, 0644));
  }
  ctx.err << "sealed " << value.size() << " bytes for " << a.ref << " version " << a.version
          << " of cluster " << pinned.cluster << " to the attested sealing key "
          << crypto::Sha256Prefixed(attested.SpkiDer())
          << "; put the object into the manifest secret's \"source\"\n";
  return absl::OkStatus();
}

}  // namespace

void RegisterSecretCommands(CLI::App& app, CommandContext& ctx) {
  CLI::App* group = app.add_subcommand("secret", "Owner-sealed secrets");
  group->require_subcommand(1);
  auto a = std::make_shared<SealArgs>();
  CLI::App* seal = group->add_subcommand(
      "seal",
      "Seal a value (HPKE) to the sealing key the verified CDS attested; prints the manifest "
      "secret source {\"sealed\": {...}}");
  seal->add_option("--ref", a->ref, "Secret namespace/name")->required();
  seal->add_option("--version", a->version, "Secret version (>= 1)")->capture_default_str();
  seal->add_option("--value-file", a->value_file, "File holding the value (at most 1 MiB)");
  seal->add_flag("--value-stdin", a->value_stdin, "Read the value from stdin");
  seal->add_option("--sealing-key", a->sealing_key,
                   "Sealing public key (PEM) given to you; must be the attested one");
  seal->add_option("--out", a->out, "Write the JSON here instead of stdout");
  seal->add_option("--state-dir", a->state_dir, "c8sctl state of the verified CDS")
      ->capture_default_str();
  seal->callback([a, &ctx] { ctx.exit_code = Finish(ctx, "secret seal", RunSeal(*a, ctx)); });
}

}  // namespace c8s::cli
