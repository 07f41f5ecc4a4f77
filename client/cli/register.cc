#include "client/cli/register.h"

#include "client/cli/cert_command.h"
#include "client/cli/evidence_command.h"
#include "client/cli/manifest_command.h"
#include "client/cli/selfcheck_command.h"

namespace c8s::cli {

void RegisterAllCommands(CLI::App& app, CommandContext& ctx) {
  RegisterCertCommands(app, ctx);
  RegisterEvidenceCommands(app, ctx);
  RegisterManifestCommands(app, ctx);
  RegisterSelfCheckCommands(app, ctx);
}

}  // namespace c8s::cli
