#include "client/cli/policy_command.h"

#include <memory>

#include "client/cli/online.h"
#include "lib/base/clock.h"
#include "lib/base/fd.h"
#include "lib/base/status.h"
#include "lib/base/strings.h"
#include "lib/manifest/bundle.h"
#include "lib/manifest/parse.h"
#include "lib/manifest/serialize.h"

namespace c8s::cli {
namespace {

struct BundleArgs {
  std::string manifest, ca_key, ca_cert, out, issued_at;
  int64_t generation = 1;
  std::vector<std::string> nodes, cds, api_server, dns, metadata, time, mesh_cidrs;
};

absl::Status Usage(std::string_view msg) { return absl::InvalidArgumentError(std::string(msg)); }

// NAME=ADDRESS:PORT (IPv6 as [addr]:port).
absl::StatusOr<manifest::BundleNode> ParseNode(const std::string& spec) {
  size_t eq = spec.find('=');
  size_t colon = spec.rfind(':');
  if (eq == std::string::npos || colon == std::string::npos || colon < eq) {
    return Usage(StrCat("--node ", spec, ": want NAME=ADDRESS:PORT"));
  }
  manifest::BundleNode n;
  n.name = spec.substr(0, eq);
  n.address = spec.substr(eq + 1, colon - eq - 1);
  if (n.address.size() > 2 && n.address.front() == '[' && n.address.back() == ']') {
    n.address = n.address.substr(1, n.address.size() - 2);
  }
  try {
    size_t used = 0;
    n.mesh_port = std::stoll(spec.substr(colon + 1), &used);
    if (used != spec.size() - colon - 1) throw std::invalid_argument("trailing");
  } catch (const std::exception&) {
    return Usage(StrCat("--node ", spec, ": port is not a number"));
  }
  return n;
}

absl::Status RunBundle(const BundleArgs& a, CommandContext& ctx) {
  ASSIGN_OR_RETURN(std::string text, ReadFile(a.manifest, 16 << 20));
  absl::StatusOr<manifest::Manifest> m = manifest::ParseManifest(text);
  if (!m.ok()) return Usage(StrCat("--manifest ", a.manifest, ": ", m.status().message()));
  ASSIGN_OR_RETURN(std::string key_pem, ReadFile(a.ca_key, 1 << 20));
  absl::StatusOr<crypto::PrivateKey> key = crypto::PrivateKey::FromPem(key_pem);
  if (!key.ok()) return Usage(StrCat("--ca-key: ", key.status().message()));
  ASSIGN_OR_RETURN(std::string cert_pem, ReadFile(a.ca_cert, 1 << 20));
  absl::StatusOr<crypto::Certificate> cert = crypto::Certificate::FromPem(cert_pem);
  if (!cert.ok()) return Usage(StrCat("--ca-cert: ", cert.status().message()));
  ASSIGN_OR_RETURN(crypto::PublicKey ca_pub, cert->GetPublicKey());
  if (!cert->IsCa()) return Usage(StrCat("--ca-cert: ", cert->Subject(), " is not a CA"));
  if (key->type() != crypto::KeyType::kP256) {
    return Usage(StrCat("--ca-key: a ", crypto::KeyTypeName(key->type()),
                        " key; bundles are signed with the P-256 cluster CA key"));
  }
  if (key->GetPublicKey().SpkiDer() != ca_pub.SpkiDer()) {
    return Usage("--ca-key is not the key of --ca-cert");
  }
  if (a.generation < 1) return Usage("--generation: want >= 1");
  std::vector<manifest::BundleNode> nodes;
  for (const std::string& spec : a.nodes) {
    ASSIGN_OR_RETURN(manifest::BundleNode n, ParseNode(spec));
    nodes.push_back(std::move(n));
  }
  manifest::BundleInfrastructure infra;
  infra.cds = a.cds;
  infra.api_server = a.api_server;
  infra.dns = a.dns;
  infra.metadata = a.metadata;
  infra.time = a.time;
  infra.mesh_cidrs = a.mesh_cidrs;
  std::string issued_at = a.issued_at.empty() ? FormatRfc3339(absl::Now()) : a.issued_at;
  absl::StatusOr<manifest::PolicyBundle> bundle =
      manifest::DeriveBundle(*m, a.generation, std::move(nodes), std::move(infra), issued_at);
  if (!bundle.ok()) return Usage(StrCat("bundle: ", bundle.status().message()));
  ASSIGN_OR_RETURN(std::string signed_json, manifest::SignBundle(*bundle, *key));
  // Verify exactly as a node agent will before handing it out.
  RETURN_IF_ERROR(Annotate(manifest::VerifyBundle(signed_json, ca_pub, m->trust_domain, 0).status(),
                           "self-check"));
  RETURN_IF_ERROR(WriteFileAtomic(a.out, signed_json, 0644));
  ctx.out << "signed node policy bundle -> " << a.out << "\n"
          << "  generation " << bundle->generation << ", manifest " << bundle->manifest_hash
          << ", trust domain " << bundle->trust_domain << ", approval "
          << manifest::ApprovalModeName(bundle->approval) << "\n"
          << "  identities: " << bundle->identities.size() << ", nodes: " << bundle->nodes.size()
          << ", issued " << bundle->issued_at << "\n"
          << "  signed by " << cert->Subject() << " (cluster " << manifest::ClusterId(ca_pub)
          << ")\n";
  return absl::OkStatus();
}

}  // namespace

void RegisterPolicyCommands(CLI::App& app, CommandContext& ctx) {
  CLI::App* group = app.add_subcommand("policy", "Node policy bundles");
  group->require_subcommand(1);
  auto a = std::make_shared<BundleArgs>();
  CLI::App* b = group->add_subcommand(
      "bundle", "Derive a node policy bundle from a manifest and sign it offline with a CA");
  b->add_option("--manifest", a->manifest, "Manifest JSON")->required();
  b->add_option("--ca-key", a->ca_key, "CA private key (PEM, P-256)")->required();
  b->add_option("--ca-cert", a->ca_cert, "CA certificate (PEM)")->required();
  b->add_option("--out", a->out, "Signed bundle output file")->required();
  b->add_option("--generation", a->generation, "Bundle generation (>= 1)")->capture_default_str();
  b->add_option("--issued-at", a->issued_at, "RFC 3339 UTC time (default: now)");
  b->add_option("--node", a->nodes, "Derived node NAME=ADDRESS:PORT (repeatable)");
  b->add_option("--cds-endpoint", a->cds, "Infrastructure: CDS ip:port (repeatable)");
  b->add_option("--api-server", a->api_server, "Infrastructure: API server ip:port (repeatable)");
  b->add_option("--dns", a->dns, "Infrastructure: DNS ip:port (repeatable)");
  b->add_option("--metadata", a->metadata, "Infrastructure: metadata service ip:port (repeatable)");
  b->add_option("--time", a->time, "Infrastructure: time server ip:port (repeatable)");
  b->add_option("--mesh-cidr", a->mesh_cidrs, "Infrastructure: mesh CIDR (repeatable)");
  b->callback([a, &ctx] { ctx.exit_code = Finish(ctx, "policy bundle", RunBundle(*a, ctx)); });
}

}  // namespace c8s::cli
