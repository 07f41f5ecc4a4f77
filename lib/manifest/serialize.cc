#include "lib/manifest/serialize.h"

#include "lib/base/bytes.h"
#include "lib/base/status.h"
#include "lib/crypto/hash.h"
#include "lib/crypto/jcs.h"

namespace c8s::manifest {
namespace {

using Json = nlohmann::json;

Json Keys(const std::vector<NamedKey>& keys) {
  Json out = Json::array();
  for (const NamedKey& k : keys) out.push_back({{"name", k.name}, {"publicKey", k.public_key_pem}});
  return out;
}

Json Strings(const std::vector<std::string>& v) {
  Json out = Json::array();
  for (const std::string& s : v) out.push_back(s);
  return out;
}

Json Ints(const std::vector<int64_t>& v) {
  Json out = Json::array();
  for (int64_t i : v) out.push_back(i);
  return out;
}

Json PolicyJson(const AttestationPolicy& p) {
  Json out = {{"allowSimulated", p.allow_simulated}};
  if (p.snp) {
    const SnpPolicy& s = *p.snp;
    out["snp"] = {{"measurements", Strings(s.measurements)},
                  {"minTcb",
                   {{"bootloader", s.min_tcb.bootloader},
                    {"tee", s.min_tcb.tee},
                    {"snp", s.min_tcb.snp},
                    {"microcode", s.min_tcb.microcode},
                    {"fmc", s.min_tcb.fmc}}},
                  {"products", Strings(s.products)},
                  {"allowDebug", s.allow_debug},
                  {"allowMigrationAgent", s.allow_migration_agent},
                  {"hostData", Strings(s.host_data)},
                  {"chipIds", Strings(s.chip_ids)},
                  {"minAbi", {{"major", s.min_abi.major}, {"minor", s.min_abi.minor}}}};
  }
  if (p.tdx) {
    const TdxPolicy& t = *p.tdx;
    Json rtmrs = Json::array();
    for (const auto& tuple : t.rtmrs) rtmrs.push_back(Strings({tuple.begin(), tuple.end()}));
    out["tdx"] = {{"mrtd", Strings(t.mrtd)},
                  {"rtmrs", std::move(rtmrs)},
                  {"mrConfigId", Strings(t.mr_config_id)},
                  {"minTeeTcbSvn", t.min_tee_tcb_svn},
                  {"allowDebug", t.allow_debug},
                  {"acceptedTcbStatus", Strings(t.accepted_tcb_status)}};
  }
  return out;
}

Json IdentityJson(const Identity& id) {
  return {{"ref", id.ref},
          {"selector", ToJson(id.selector)},
          {"containers", ToJson(id.containers)},
          {"runtime", ToJson(id.runtime)},
          {"dnsNames", Strings(id.dns_names)},
          {"ports", Ints(id.ports)},
          {"allowFrom", Strings(id.allow_from)},
          {"egress", ToJson(id.egress)}};
}

Json SecretJson(const Secret& s) {
  Json source = Json::object();
  if (s.sealed) {
    source["sealed"] = {
        {"suite", s.sealed->suite}, {"enc", s.sealed->enc}, {"ciphertext", s.sealed->ciphertext}};
  }
  if (s.vault) source["vault"] = {{"path", s.vault->path}, {"key", s.vault->key}};
  Json out = {{"ref", s.ref},
              {"version", s.version},
              {"source", std::move(source)},
              {"releaseTo", Strings(s.release_to)},
              {"policy", s.policy}};
  if (s.not_after) out["notAfter"] = *s.not_after;
  return out;
}

Json IngressJson(const Ingress& in) {
  Json routes = Json::array();
  for (const IngressRoute& r : in.routes) {
    routes.push_back({{"pathPrefix", r.path_prefix}, {"identity", r.identity}, {"port", r.port}});
  }
  return {{"ref", in.ref},
          {"hosts", Strings(in.hosts)},
          {"routes", std::move(routes)},
          {"tls", {{"mode", in.tls_mode}}},
          {"encrypted", in.encrypted}};
}

}  // namespace

Json ToJson(const Selector& selector) { return {{"labels", selector.labels}}; }

Json ToJson(const std::vector<Container>& containers) {
  Json out = Json::array();
  for (const Container& c : containers) {
    Json j = {{"image", c.image}};
    if (c.args) j["args"] = Strings(*c.args);
    if (c.env) j["env"] = *c.env;
    out.push_back(std::move(j));
  }
  return out;
}

Json ToJson(const RuntimePolicy& r) {
  Json paths = Json::array();
  for (const HostPath& h : r.host_paths)
    paths.push_back({{"path", h.path}, {"readOnly", h.read_only}});
  return {{"privileged", r.privileged},
          {"hostNetwork", r.host_network},
          {"hostPID", r.host_pid},
          {"hostIPC", r.host_ipc},
          {"hostPaths", std::move(paths)},
          {"devices", Strings(r.devices)},
          {"addCapabilities", Strings(r.add_capabilities)},
          {"runAsNonRoot", r.run_as_non_root},
          {"readOnlyRootFilesystem", r.read_only_root_filesystem}};
}

Json ToJson(const std::vector<EgressRule>& egress) {
  Json out = Json::array();
  for (const EgressRule& e : egress) {
    out.push_back({{"cidr", e.cidr}, {"ports", Ints(e.ports)}, {"protocol", e.protocol}});
  }
  return out;
}

Json ToJson(const Manifest& m) {
  Json policies = Json::object();
  for (const auto& [name, policy] : m.attestation_policies) policies[name] = PolicyJson(policy);
  Json identities = Json::array();
  for (const Identity& id : m.identities) identities.push_back(IdentityJson(id));
  Json secrets = Json::array();
  for (const Secret& s : m.secrets) secrets.push_back(SecretJson(s));
  Json ingresses = Json::array();
  for (const Ingress& in : m.ingresses) ingresses.push_back(IngressJson(in));
  // Moved, not copied, into the document: at thousands of identities the copies cost more
  // than building them.
  return {{"apiVersion", m.api_version},
          {"trustDomain", m.trust_domain},
          {"approval", std::string(ApprovalModeName(m.approval))},
          {"owners", Keys(m.owners)},
          {"recoveryKeys", Keys(m.recovery_keys)},
          {"attestationPolicies", std::move(policies)},
          {"roles", {{"nodes", m.roles.nodes}, {"cds", m.roles.cds}, {"ingress", m.roles.ingress}}},
          {"identities", std::move(identities)},
          {"secrets", std::move(secrets)},
          {"ingresses", std::move(ingresses)}};
}

absl::StatusOr<std::string> CanonicalBytes(const Manifest& manifest) {
  return crypto::CanonicalJson(ToJson(manifest));
}

absl::StatusOr<std::string> ManifestHash(const Manifest& manifest) {
  ASSIGN_OR_RETURN(std::string canon, CanonicalBytes(manifest));
  return ManifestHashOfCanonical(canon);
}

std::string ManifestHashOfCanonical(std::string_view canonical) {
  return crypto::Sha256Prefixed(AsBytes(canonical));
}

std::string PrettyJson(const nlohmann::json& doc) {
  return doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace c8s::manifest
