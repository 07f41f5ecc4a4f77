// `c8sctl evidence verify|simulate`: verify SEV-SNP / TDX evidence files as they come (raw or
// hex, PEM or DER certificates in any order, trailing padding) and print the claims as JSON;
// write simulated evidence with its chain.
//   c8sctl evidence verify --platform snp --evidence report.bin --vcek vcek.der
//       --chain cert_chain.pem --at 2024-01-01T00:00:00Z --policy nodes-prod.json
//   c8sctl evidence simulate --platform snp --out /tmp/sim --measurement <96 hex>
#pragma once

#include "client/cli/command.h"

namespace c8s::cli {

void RegisterEvidenceCommands(CLI::App& app, CommandContext& ctx);

}  // namespace c8s::cli
