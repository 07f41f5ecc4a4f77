#include "client/cli/manifest_summary.h"

#include "lib/base/strings.h"

namespace c8s::cli {
namespace {

std::string Names(const std::vector<manifest::NamedKey>& keys) {
  std::string out;
  for (const manifest::NamedKey& k : keys) out += StrCat(out.empty() ? "" : ", ", k.name);
  return "[" + out + "]";
}

}  // namespace

std::string ManifestSummary(const manifest::Manifest& m, std::string_view indent) {
  std::string i(indent);
  return StrCat(i, "trustDomain:   ", m.trust_domain, "\n", i,
                "approval:      ", manifest::ApprovalModeName(m.approval),
                m.approval == manifest::ApprovalMode::kAutomatic
                    ? " (DEVELOPMENT ONLY: proposals activate without an owner)"
                    : "",
                "\n", i, "owners:        ", Names(m.owners), "\n", i,
                "recoveryKeys:  ", Names(m.recovery_keys), "\n", i,
                "roles:         nodes=", m.roles.nodes, " cds=", m.roles.cds,
                " ingress=", m.roles.ingress, "\n", i, "identities: ", m.identities.size(),
                ", secrets: ", m.secrets.size(), ", ingresses: ", m.ingresses.size(),
                ", attestation policies: ", m.attestation_policies.size(), "\n");
}

}  // namespace c8s::cli
