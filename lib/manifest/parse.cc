#include "lib/manifest/parse.h"

#include "lib/base/status.h"
#include "lib/base/strings.h"
#include "lib/crypto/jcs.h"
#include "lib/crypto/keys.h"
#include "lib/manifest/formats.h"
#include "lib/manifest/parse_internal.h"
#include "lib/manifest/serialize.h"

namespace c8s::manifest {
namespace {

using namespace internal;  // NOLINT: the parser helpers are this file's vocabulary.

std::string DescribeKey(const NamedKey& k) { return StrCat("\"", k.name, "\""); }

// The key must parse, be of an allowed type, and be written exactly as PublicKey::ToPem()
// writes it, so that one key has one spelling (and one manifest hash).
absl::Status CheckPem(const std::string& pem, const std::string& path, bool recovery) {
  auto key = crypto::PublicKey::FromPem(pem);
  if (!key.ok()) return PathError(path, StrCat("not a PEM public key: ", StatusText(key.status())));
  crypto::KeyType type = key->type();
  bool ok = recovery ? type == crypto::KeyType::kX25519
                     : (type == crypto::KeyType::kP256 || type == crypto::KeyType::kEd25519);
  if (!ok) {
    return PathError(path, StrCat(crypto::KeyTypeName(type), " key not allowed (want ",
                                  recovery ? "X25519" : "P-256 or Ed25519", ")"));
  }
  if (key->ToPem() != pem) {
    return PathError(path, "PEM is not in canonical form (SPKI, 64-column base64, final newline)");
  }
  return absl::OkStatus();
}

absl::Status ParseKeys(const ObjectReader& r, std::string_view field, bool recovery,
                       std::vector<NamedKey>* out) {
  ASSIGN_OR_RETURN(const Json* j, r.Required(field));
  std::string path = r.PathOf(field);
  ASSIGN_OR_RETURN(const Json::array_t* arr, ReadArray(*j, path));
  out->assign(arr->size(), NamedKey{});
  for (size_t i = 0; i < arr->size(); ++i) {
    ASSIGN_OR_RETURN(ObjectReader k,
                     ObjectReader::Open((*arr)[i], Element(path, i), {"name", "publicKey"}));
    RETURN_IF_ERROR(k.String("name", &(*out)[i].name));
    RETURN_IF_ERROR(CheckKeyName((*out)[i].name, k.PathOf("name")));
    RETURN_IF_ERROR(k.String("publicKey", &(*out)[i].public_key_pem));
    RETURN_IF_ERROR(CheckPem((*out)[i].public_key_pem, k.PathOf("publicKey"), recovery));
  }
  return CheckSet(
      *out, path, [](const NamedKey& a, const NamedKey& b) { return a.name < b.name; },
      &DescribeKey);
}

absl::Status ParseSecret(const Json& j, const std::string& path, Secret* out) {
  ASSIGN_OR_RETURN(
      ObjectReader r,
      ObjectReader::Open(j, path, {"ref", "version", "source", "releaseTo", "policy", "notAfter"}));
  RETURN_IF_ERROR(r.String("ref", &out->ref));
  RETURN_IF_ERROR(CheckRef(out->ref, r.PathOf("ref")));
  RETURN_IF_ERROR(r.Int("version", 1, int64_t{1} << 53, &out->version));
  ASSIGN_OR_RETURN(const Json* source_json, r.Required("source"));
  ASSIGN_OR_RETURN(ObjectReader source,
                   ObjectReader::Open(*source_json, r.PathOf("source"), {"sealed", "vault"}));
  if (source.Has("sealed") == source.Has("vault")) {
    return PathError(source.path(), "must hold exactly one of sealed, vault");
  }
  if (source.Has("sealed")) {
    ASSIGN_OR_RETURN(const Json* s, source.Required("sealed"));
    ASSIGN_OR_RETURN(ObjectReader sealed, ObjectReader::Open(*s, source.PathOf("sealed"),
                                                             {"suite", "enc", "ciphertext"}));
    SealedSource& out_sealed = out->sealed.emplace();
    RETURN_IF_ERROR(sealed.String("suite", &out_sealed.suite));
    if (out_sealed.suite != "X25519-HKDF-SHA256/AES-128-GCM") {
      return PathError(sealed.PathOf("suite"), StrCat("unsupported suite \"", out_sealed.suite,
                                                      "\" (want X25519-HKDF-SHA256/AES-128-GCM)"));
    }
    RETURN_IF_ERROR(sealed.String("enc", &out_sealed.enc));
    RETURN_IF_ERROR(CheckBase64(out_sealed.enc, sealed.PathOf("enc")));
    RETURN_IF_ERROR(sealed.String("ciphertext", &out_sealed.ciphertext));
    RETURN_IF_ERROR(CheckBase64(out_sealed.ciphertext, sealed.PathOf("ciphertext")));
  } else {
    ASSIGN_OR_RETURN(const Json* v, source.Required("vault"));
    ASSIGN_OR_RETURN(ObjectReader vault,
                     ObjectReader::Open(*v, source.PathOf("vault"), {"path", "key"}));
    VaultSource& out_vault = out->vault.emplace();
    RETURN_IF_ERROR(vault.String("path", &out_vault.path));
    RETURN_IF_ERROR(vault.String("key", &out_vault.key));
    if (out_vault.path.empty() || out_vault.key.empty()) {
      return PathError(vault.path(), "path and key must not be empty");
    }
  }
  ASSIGN_OR_RETURN(const Json* release, r.Required("releaseTo"));
  RETURN_IF_ERROR(ParseRefSet(*release, r.PathOf("releaseTo"), &out->release_to));
  if (out->release_to.empty()) return PathError(r.PathOf("releaseTo"), "must not be empty");
  RETURN_IF_ERROR(r.String("policy", &out->policy));
  if (r.Has("notAfter")) {
    RETURN_IF_ERROR(r.String("notAfter", &out->not_after.emplace()));
    RETURN_IF_ERROR(CheckRfc3339Utc(*out->not_after, r.PathOf("notAfter")));
  }
  return absl::OkStatus();
}

absl::Status ParseIngress(const Json& j, const std::string& path, Ingress* out) {
  ASSIGN_OR_RETURN(ObjectReader r,
                   ObjectReader::Open(j, path, {"ref", "hosts", "routes", "tls", "encrypted"}));
  RETURN_IF_ERROR(r.String("ref", &out->ref));
  RETURN_IF_ERROR(CheckRef(out->ref, r.PathOf("ref")));
  RETURN_IF_ERROR(r.StringList("hosts", &out->hosts));
  if (out->hosts.empty()) return PathError(r.PathOf("hosts"), "must not be empty");
  for (size_t i = 0; i < out->hosts.size(); ++i) {
    RETURN_IF_ERROR(CheckDnsName(out->hosts[i], Element(r.PathOf("hosts"), i)));
  }
  RETURN_IF_ERROR(CheckStringSet(out->hosts, r.PathOf("hosts")));
  ASSIGN_OR_RETURN(const Json* routes_json, r.Required("routes"));
  ASSIGN_OR_RETURN(const Json::array_t* routes, ReadArray(*routes_json, r.PathOf("routes")));
  out->routes.assign(routes->size(), IngressRoute{});
  for (size_t i = 0; i < routes->size(); ++i) {
    IngressRoute& route = out->routes[i];
    ASSIGN_OR_RETURN(ObjectReader rr,
                     ObjectReader::Open((*routes)[i], Element(r.PathOf("routes"), i),
                                        {"pathPrefix", "identity", "port"}));
    RETURN_IF_ERROR(rr.String("pathPrefix", &route.path_prefix));
    if (route.path_prefix.empty() || route.path_prefix.front() != '/') {
      return PathError(rr.PathOf("pathPrefix"), "must start with /");
    }
    RETURN_IF_ERROR(rr.String("identity", &route.identity));
    RETURN_IF_ERROR(CheckRef(route.identity, rr.PathOf("identity")));
    RETURN_IF_ERROR(rr.Int("port", 1, 65535, &route.port));
  }
  RETURN_IF_ERROR(CheckSet(
      out->routes, r.PathOf("routes"),
      [](const IngressRoute& a, const IngressRoute& b) { return a.path_prefix < b.path_prefix; },
      +[](const IngressRoute& a) { return StrCat("route \"", a.path_prefix, "\""); }));
  ASSIGN_OR_RETURN(const Json* tls_json, r.Required("tls"));
  ASSIGN_OR_RETURN(ObjectReader tls, ObjectReader::Open(*tls_json, r.PathOf("tls"), {"mode"}));
  RETURN_IF_ERROR(tls.String("mode", &out->tls_mode));
  if (out->tls_mode != "CDS") {
    return PathError(tls.PathOf("mode"), StrCat("\"", out->tls_mode, "\" is not CDS"));
  }
  return r.Bool("encrypted", &out->encrypted);
}

// Parses `field` (an array of objects) with `parse`, then checks that the refs form a set.
template <typename T>
absl::Status ParseRefList(const ObjectReader& r, std::string_view field,
                          absl::Status (*parse)(const Json&, const std::string&, T*),
                          std::vector<T>* out) {
  ASSIGN_OR_RETURN(const Json* j, r.Required(field));
  ASSIGN_OR_RETURN(const Json::array_t* arr, ReadArray(*j, r.PathOf(field)));
  out->assign(arr->size(), T{});
  for (size_t i = 0; i < arr->size(); ++i) {
    RETURN_IF_ERROR(parse((*arr)[i], Element(r.PathOf(field), i), &(*out)[i]));
  }
  return CheckSet(
      *out, r.PathOf(field), [](const T& a, const T& b) { return a.ref < b.ref; },
      +[](const T& a) { return StrCat("\"", a.ref, "\""); });
}

}  // namespace

absl::StatusOr<Manifest> ParseManifest(std::string_view text) {
  ASSIGN_OR_RETURN(nlohmann::json doc, crypto::ParseStrictJson(text));
  return ParseManifestJson(doc);
}

absl::StatusOr<Manifest> ParseManifestJson(const nlohmann::json& doc) {
  Manifest m;
  ASSIGN_OR_RETURN(
      ObjectReader r,
      ObjectReader::Open(doc, "",
                         {"apiVersion", "trustDomain", "approval", "owners", "recoveryKeys",
                          "attestationPolicies", "roles", "identities", "secrets", "ingresses"}));
  RETURN_IF_ERROR(r.String("apiVersion", &m.api_version));
  if (m.api_version != kApiVersion) {
    return PathError("apiVersion", StrCat("\"", m.api_version, "\" is not ", kApiVersion));
  }
  RETURN_IF_ERROR(r.String("trustDomain", &m.trust_domain));
  RETURN_IF_ERROR(CheckDnsName(m.trust_domain, "trustDomain"));
  std::string approval;
  RETURN_IF_ERROR(r.String("approval", &approval));
  if (approval == "Owner") {
    m.approval = ApprovalMode::kOwner;
  } else if (approval == "Automatic") {
    m.approval = ApprovalMode::kAutomatic;
  } else {
    return PathError("approval", StrCat("\"", approval, "\" is not Owner or Automatic"));
  }
  RETURN_IF_ERROR(ParseKeys(r, "owners", /*recovery=*/false, &m.owners));
  RETURN_IF_ERROR(ParseKeys(r, "recoveryKeys", /*recovery=*/true, &m.recovery_keys));
  ASSIGN_OR_RETURN(const Json* policies, r.Required("attestationPolicies"));
  if (!policies->is_object()) return PathError("attestationPolicies", "expected object");
  for (const auto& [name, value] : policies->items()) {
    std::string path = Member("attestationPolicies", name);
    RETURN_IF_ERROR(CheckObjectName(name, path));
    RETURN_IF_ERROR(ParseAttestationPolicy(value, path, &m.attestation_policies[name]));
  }
  ASSIGN_OR_RETURN(const Json* roles_json, r.Required("roles"));
  ASSIGN_OR_RETURN(ObjectReader roles,
                   ObjectReader::Open(*roles_json, "roles", {"nodes", "cds", "ingress"}));
  RETURN_IF_ERROR(roles.String("nodes", &m.roles.nodes));
  RETURN_IF_ERROR(roles.String("cds", &m.roles.cds));
  RETURN_IF_ERROR(roles.String("ingress", &m.roles.ingress));
  RETURN_IF_ERROR(ParseRefList<Identity>(r, "identities", &ParseIdentity, &m.identities));
  RETURN_IF_ERROR(ParseRefList<Secret>(r, "secrets", &ParseSecret, &m.secrets));
  RETURN_IF_ERROR(ParseRefList<Ingress>(r, "ingresses", &ParseIngress, &m.ingresses));
  RETURN_IF_ERROR(CheckReferences(m));
  return m;
}

absl::Status ValidateManifest(const Manifest& manifest) {
  return ParseManifestJson(ToJson(manifest)).status();
}

}  // namespace c8s::manifest
