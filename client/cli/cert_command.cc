#include "client/cli/cert_command.h"

#include <nlohmann/json.hpp>

#include "client/cli/app.h"
#include "lib/base/clock.h"
#include "lib/base/fd.h"
#include "lib/base/strings.h"
#include "lib/crypto/cert_profile.h"
#include "lib/crypto/x509.h"

namespace c8s::cli {
namespace {

using crypto::Certificate;

std::string Join(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) out += (out.empty() ? "" : ", ") + item;
  return out;
}

std::string KeyDescription(const Certificate& cert) {
  absl::StatusOr<crypto::PublicKey> key = cert.GetPublicKey();
  return key.ok() ? std::string(crypto::KeyTypeName(key->type()))
                  : "unsupported (" + StatusText(key.status()) + ")";
}

// The OID of a claim by its short name, for display next to the name.
std::string OidOf(const std::string& short_name) {
  for (const crypto::ClaimInfo& info : crypto::C8sClaimTable()) {
    if (info.short_name == short_name) return crypto::C8sClaimOid(info.arc);
  }
  return "";
}

nlohmann::json ToJson(const Certificate& cert) {
  nlohmann::json j;
  j["subject"] = cert.Subject();
  j["issuer"] = cert.Issuer();
  j["serial"] = cert.SerialHex();
  j["notBefore"] = FormatRfc3339(cert.NotBefore());
  j["notAfter"] = FormatRfc3339(cert.NotAfter());
  j["keyType"] = KeyDescription(cert);
  j["isCA"] = cert.IsCa();
  j["sha256"] = HexEncode(cert.Sha256Fingerprint());
  absl::StatusOr<crypto::SubjectAltNames> sans = cert.Sans();
  if (sans.ok()) {
    j["sans"] = {{"dns", sans->dns}, {"ip", sans->ips}, {"uri", sans->uris}};
  } else {
    j["sansError"] = StatusText(sans.status());
  }
  absl::StatusOr<crypto::C8sClaimsExtension> claims = crypto::ReadC8sClaims(cert);
  if (claims.ok()) {
    j["c8s"] = nlohmann::json::object();
    for (const auto& [name, value] : crypto::DescribeC8sClaims(*claims)) j["c8s"][name] = value;
    if (claims->manifest_generation)
      j["c8s"]["c8sManifestGeneration"] = *claims->manifest_generation;
  } else {
    j["c8sError"] = StatusText(claims.status());
  }
  return j;
}

void PrintText(const Certificate& cert, std::ostream& out) {
  out << "  subject:     " << cert.Subject() << "\n"
      << "  issuer:      " << cert.Issuer() << "\n"
      << "  serial:      " << cert.SerialHex() << "\n"
      << "  not before:  " << FormatRfc3339(cert.NotBefore()) << "\n"
      << "  not after:   " << FormatRfc3339(cert.NotAfter()) << "\n"
      << "  key:         " << KeyDescription(cert) << "\n"
      << "  CA:          " << (cert.IsCa() ? "yes" : "no") << "\n"
      << "  SHA-256:     " << HexEncode(cert.Sha256Fingerprint()) << "\n";
  absl::StatusOr<crypto::SubjectAltNames> sans = cert.Sans();
  if (!sans.ok()) {
    out << "  SANs:        error: " << StatusText(sans.status()) << "\n";
  } else {
    if (!sans->dns.empty()) out << "  DNS:         " << Join(sans->dns) << "\n";
    if (!sans->ips.empty()) out << "  IP:          " << Join(sans->ips) << "\n";
    if (!sans->uris.empty()) out << "  URI:         " << Join(sans->uris) << "\n";
  }
  absl::StatusOr<crypto::C8sClaimsExtension> claims = crypto::ReadC8sClaims(cert);
  if (!claims.ok()) {
    out << "  c8s extensions: error: " << StatusText(claims.status()) << "\n";
    return;
  }
  if (claims->empty()) return;
  out << "  c8s extensions:\n";
  for (const auto& [name, value] : crypto::DescribeC8sClaims(*claims)) {
    out << "    " << name << " (" << OidOf(name) << "): " << value << "\n";
  }
}

int Inspect(const std::string& path, bool json, CommandContext& ctx) {
  absl::StatusOr<std::string> data = ReadFile(path, 16 << 20);
  absl::StatusOr<std::vector<Certificate>> certs =
      data.ok() ? Certificate::ParseAny(AsBytes(*data))
                : absl::StatusOr<std::vector<Certificate>>(data.status());
  if (!certs.ok()) {
    ctx.err << "c8sctl cert inspect: " << path << ": " << StatusText(certs.status()) << "\n";
    return kExitUsage;
  }
  bool claims_ok = true;
  for (const Certificate& cert : *certs) claims_ok &= crypto::ReadC8sClaims(cert).ok();
  if (json) {
    nlohmann::json all = nlohmann::json::array();
    for (const Certificate& cert : *certs) all.push_back(ToJson(cert));
    ctx.out << all.dump(2) << "\n";
  } else {
    for (size_t i = 0; i < certs->size(); ++i) {
      ctx.out << "certificate " << i + 1 << " of " << certs->size() << "\n";
      PrintText((*certs)[i], ctx.out);
    }
  }
  // A malformed c8s extension is printed, and the exit code says the input was bad.
  return claims_ok ? kExitOk : kExitUsage;
}

}  // namespace

void RegisterCertCommands(CLI::App& app, CommandContext& ctx) {
  CLI::App* cert = app.add_subcommand("cert", "Inspect X.509 certificates of the c8s profile");
  cert->require_subcommand(1);

  auto path = std::make_shared<std::string>();
  auto json = std::make_shared<bool>(false);
  CLI::App* inspect = cert->add_subcommand(
      "inspect", "Print subject, issuer, serial, validity, key type, SANs and c8s extensions");
  inspect->add_option("FILE", *path, "PEM (one or several certificates) or DER file")->required();
  inspect->add_flag("--json", *json, "Machine-readable output (a JSON array)");
  inspect->callback([path, json, &ctx] { ctx.exit_code = Inspect(*path, *json, ctx); });

  CLI::App* conf = cert->add_subcommand(
      "openssl-config", "Print an OpenSSL config naming the c8s OIDs (use as OPENSSL_CONF)");
  conf->callback([&ctx] {
    ctx.out << crypto::C8sOpenSslConfig();
    ctx.exit_code = kExitOk;
  });
}

}  // namespace c8s::cli
