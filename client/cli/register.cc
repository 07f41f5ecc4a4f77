#include "client/cli/register.h"

#include "client/cli/cert_command.h"
#include "client/cli/claim_command.h"
#include "client/cli/evidence_command.h"
#include "client/cli/keygen_command.h"
#include "client/cli/manifest_command.h"
#include "client/cli/policy_command.h"
#include "client/cli/recovery_commands.h"
#include "client/cli/secret_command.h"
#include "client/cli/selfcheck_command.h"
#include "client/cli/verify_command.h"

namespace c8s::cli {

void RegisterAllCommands(CLI::App& app, CommandContext& ctx) {
  RegisterCertCommands(app, ctx);
  RegisterClaimCommands(app, ctx);
  RegisterEvidenceCommands(app, ctx);
  RegisterKeygenCommands(app, ctx);
  RegisterManifestCommands(app, ctx);
  RegisterPolicyCommands(app, ctx);
  RegisterRecoveryCommands(app, ctx);
  RegisterSecretCommands(app, ctx);
  RegisterSelfCheckCommands(app, ctx);
  RegisterVerifyCommands(app, ctx);
}

}  // namespace c8s::cli
