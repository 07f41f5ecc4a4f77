#include "operator/compile.h"

#include <algorithm>

#include "lib/base/status.h"
#include "lib/base/strings.h"
#include "lib/crypto/jcs.h"
#include "lib/manifest/parse.h"
#include "lib/manifest/serialize.h"

namespace c8s::op {
namespace {

using nlohmann::json;

const json& Field(const json& obj, const char* key) {
  static const json kNull;
  return obj.is_object() && obj.contains(key) ? obj[key] : kNull;
}

// The array at `key`, or an empty one: never a copy (a `cond ? field : json::array()` would
// copy the field, which costs more than the whole conversion).
const json& Array(const json& obj, const char* key) {
  static const json kEmpty = json::array();
  const json& v = Field(obj, key);
  return v.is_array() ? v : kEmpty;
}

std::string Str(const json& obj, const char* key) {
  const json& v = Field(obj, key);
  return v.is_string() ? v.get<std::string>() : "";
}

bool Bool(const json& obj, const char* key, bool def) {
  const json& v = Field(obj, key);
  return v.is_boolean() ? v.get<bool>() : def;
}

int64_t Int(const json& obj, const char* key) {
  const json& v = Field(obj, key);
  return v.is_number_integer() ? v.get<int64_t>() : 0;
}

std::vector<std::string> Strings(const json& obj, const char* key) {
  std::vector<std::string> out;
  for (const json& v : Array(obj, key)) {
    if (v.is_string()) out.push_back(v.get<std::string>());
  }
  return out;
}

std::vector<int64_t> Ints(const json& obj, const char* key) {
  std::vector<int64_t> out;
  for (const json& v : Array(obj, key)) {
    if (v.is_number_integer()) out.push_back(v.get<int64_t>());
  }
  return out;
}

std::map<std::string, std::string> StringMap(const json& v) {
  std::map<std::string, std::string> out;
  if (!v.is_object()) return out;
  for (auto it = v.begin(); it != v.end(); ++it) {
    if (it->is_string()) out[it.key()] = it->get<std::string>();
  }
  return out;
}

std::string Ref(const json& obj) {
  const json& md = Field(obj, "metadata");
  std::string ns = Str(md, "namespace");
  return ns.empty() ? Str(md, "name") : ns + "/" + Str(md, "name");
}

std::vector<manifest::NamedKey> Keys(const json& spec, const char* key) {
  std::vector<manifest::NamedKey> out;
  for (const json& k : Array(spec, key)) {
    out.push_back({Str(k, "name"), Str(k, "publicKey")});
  }
  return out;
}

manifest::AttestationPolicy Policy(const json& spec) {
  manifest::AttestationPolicy p;
  p.allow_simulated = Bool(spec, "allowSimulated", false);
  if (const json& snp = Field(spec, "snp"); snp.is_object()) {
    manifest::SnpPolicy s;
    s.measurements = Strings(snp, "measurements");
    const json& tcb = Field(snp, "minTcb");
    s.min_tcb = {Int(tcb, "bootloader"), Int(tcb, "tee"), Int(tcb, "snp"), Int(tcb, "microcode"),
                 Int(tcb, "fmc")};
    s.products = Strings(snp, "products");
    s.allow_debug = Bool(snp, "allowDebug", false);
    s.allow_migration_agent = Bool(snp, "allowMigrationAgent", false);
    s.host_data = Strings(snp, "hostData");
    s.chip_ids = Strings(snp, "chipIds");
    s.min_abi = {Int(Field(snp, "minAbi"), "major"), Int(Field(snp, "minAbi"), "minor")};
    p.snp = s;
  }
  if (const json& tdx = Field(spec, "tdx"); tdx.is_object()) {
    manifest::TdxPolicy t;
    t.mrtd = Strings(tdx, "mrtd");
    for (const json& tuple : Array(tdx, "rtmrs")) {
      std::array<std::string, 4> r;
      for (size_t i = 0; i < 4 && tuple.is_array() && i < tuple.size(); ++i) {
        r[i] = tuple[i].is_string() ? tuple[i].get<std::string>() : "";
      }
      t.rtmrs.push_back(r);
    }
    t.mr_config_id = Strings(tdx, "mrConfigId");
    t.min_tee_tcb_svn = Str(tdx, "minTeeTcbSvn");
    t.allow_debug = Bool(tdx, "allowDebug", false);
    t.accepted_tcb_status = Strings(tdx, "acceptedTcbStatus");
    p.tdx = t;
  }
  return p;
}

}  // namespace

manifest::Identity IdentityEntry(const json& obj) {
  const json& spec = Field(obj, "spec");
  manifest::Identity id;
  id.ref = Ref(obj);
  id.selector.labels = StringMap(Field(Field(spec, "selector"), "labels"));
  for (const json& c : Array(spec, "containers")) {
    manifest::Container mc;
    mc.image = Str(c, "image");
    if (Field(c, "args").is_array()) mc.args = Strings(c, "args");
    if (Field(c, "env").is_object()) mc.env = StringMap(Field(c, "env"));
    id.containers.push_back(std::move(mc));
  }
  const json& rt = Field(spec, "runtime");
  id.runtime.privileged = Bool(rt, "privileged", false);
  id.runtime.host_network = Bool(rt, "hostNetwork", false);
  id.runtime.host_pid = Bool(rt, "hostPID", false);
  id.runtime.host_ipc = Bool(rt, "hostIPC", false);
  for (const json& hp : Array(rt, "hostPaths")) {
    id.runtime.host_paths.push_back({Str(hp, "path"), Bool(hp, "readOnly", true)});
  }
  id.runtime.devices = Strings(rt, "devices");
  id.runtime.add_capabilities = Strings(rt, "addCapabilities");
  id.runtime.run_as_non_root = Bool(rt, "runAsNonRoot", true);
  id.runtime.read_only_root_filesystem = Bool(rt, "readOnlyRootFilesystem", false);
  id.dns_names = Strings(spec, "dnsNames");
  id.ports = Ints(spec, "ports");
  id.allow_from = Strings(spec, "allowFrom");
  for (const json& e : Array(spec, "egress")) {
    std::string proto = Str(e, "protocol");
    id.egress.push_back({Str(e, "cidr"), Ints(e, "ports"), proto.empty() ? "TCP" : proto});
  }
  return id;
}

manifest::Secret SecretEntry(const json& obj) {
  const json& spec = Field(obj, "spec");
  manifest::Secret s;
  s.ref = Ref(obj);
  s.version = Int(spec, "version");
  const json& src = Field(spec, "source");
  if (const json& sealed = Field(src, "sealed"); sealed.is_object()) {
    s.sealed =
        manifest::SealedSource{Str(sealed, "suite"), Str(sealed, "enc"), Str(sealed, "ciphertext")};
  }
  if (const json& vault = Field(src, "vault"); vault.is_object()) {
    s.vault = manifest::VaultSource{Str(vault, "path"), Str(vault, "key")};
  }
  s.release_to = Strings(spec, "releaseTo");
  s.policy = Str(spec, "policy");
  if (!Str(spec, "notAfter").empty()) s.not_after = Str(spec, "notAfter");
  return s;
}

manifest::Ingress IngressEntry(const json& obj) {
  const json& spec = Field(obj, "spec");
  manifest::Ingress in;
  in.ref = Ref(obj);
  in.hosts = Strings(spec, "hosts");
  for (const json& r : Array(spec, "routes")) {
    std::string prefix = Str(r, "pathPrefix");
    in.routes.push_back({prefix.empty() ? "/" : prefix, Str(r, "identity"), Int(r, "port")});
  }
  std::string mode = Str(Field(spec, "tls"), "mode");
  in.tls_mode = mode.empty() ? "CDS" : mode;
  in.encrypted = Bool(spec, "encrypted", false);
  return in;
}

namespace {

// Which list entry a validation error names: "identities[3].ports[0]: ..." -> {"identities", 3}.
std::pair<std::string, size_t> Culprit(std::string_view message) {
  for (const char* list : {"identities", "secrets", "ingresses"}) {
    std::string prefix = std::string(list) + "[";
    if (message.substr(0, prefix.size()) == prefix) {
      return {list, std::strtoul(std::string(message.substr(prefix.size())).c_str(), nullptr, 10)};
    }
  }
  return {"", 0};
}

}  // namespace

absl::StatusOr<Compiled> CompileManifest(const CompileInputs& in) {
  CompileParts parts;
  parts.cluster = in.cluster;
  parts.policies = in.policies;
  for (const json& o : in.identities) {
    parts.identities.push_back(std::make_shared<const manifest::Identity>(IdentityEntry(o)));
  }
  for (const json& o : in.secrets) {
    parts.secrets.push_back(std::make_shared<const manifest::Secret>(SecretEntry(o)));
  }
  for (const json& o : in.ingresses) {
    parts.ingresses.push_back(std::make_shared<const manifest::Ingress>(IngressEntry(o)));
  }
  return CompileFromParts(parts);
}

absl::StatusOr<Compiled> CompileFromParts(const CompileParts& in) {
  if (!in.cluster.is_object()) return absl::FailedPreconditionError("no ConfidentialCluster");
  Compiled out;
  manifest::Manifest& m = out.manifest;
  const json& cspec = Field(in.cluster, "spec");
  m.trust_domain = Str(cspec, "trustDomain");
  m.approval = Str(cspec, "approval") == "Automatic" ? manifest::ApprovalMode::kAutomatic
                                                     : manifest::ApprovalMode::kOwner;
  m.owners = Keys(cspec, "owners");
  m.recovery_keys = Keys(cspec, "recoveryKeys");

  // Policies sorted by name so that a role claimed twice always goes to the same one.
  std::vector<json> policies = in.policies;
  std::sort(policies.begin(), policies.end(),
            [](const json& a, const json& b) { return Ref(a) < Ref(b); });
  for (const json& p : policies) {
    std::string name = Ref(p);
    const json& spec = Field(p, "spec");
    std::string clashes;
    for (const std::string& role : Strings(spec, "roles")) {
      std::string* slot = role == "nodes"     ? &m.roles.nodes
                          : role == "cds"     ? &m.roles.cds
                          : role == "ingress" ? &m.roles.ingress
                                              : nullptr;
      if (slot != nullptr && !slot->empty()) {
        clashes += StrCat(clashes.empty() ? "" : ", ", role, " (", *slot, ")");
      }
    }
    if (!clashes.empty()) {
      out.rejected.push_back(
          {"AttestationPolicy", name, StrCat("roles already served by other policies: ", clashes)});
      continue;
    }
    m.attestation_policies[name] = Policy(spec);
    for (const std::string& role : Strings(spec, "roles")) {
      if (role == "nodes") m.roles.nodes = name;
      if (role == "cds") m.roles.cds = name;
      if (role == "ingress") m.roles.ingress = name;
    }
  }
  for (const char* role : {"nodes", "cds", "ingress"}) {
    const std::string& v = std::string(role) == "nodes" ? m.roles.nodes
                           : std::string(role) == "cds" ? m.roles.cds
                                                        : m.roles.ingress;
    if (v.empty()) {
      return absl::FailedPreconditionError(StrCat("no AttestationPolicy serves role ", role));
    }
  }
  {
    manifest::Manifest base = m;
    manifest::Normalize(&base);
    RETURN_IF_ERROR(Annotate(manifest::ValidateManifest(base), "cluster and policies"));
  }
  m.identities.reserve(in.identities.size());
  for (const auto& e : in.identities) m.identities.push_back(*e);
  for (const auto& e : in.secrets) m.secrets.push_back(*e);
  for (const auto& e : in.ingresses) m.ingresses.push_back(*e);
  // Validate everything at once; drop the entry an error names and retry, so one bad object
  // (or one referring to a rejected one) never blocks the others. Entries are normalized
  // (sorted by ref) first, so which one is dropped does not depend on the input order.
  while (true) {
    manifest::Normalize(&m);
    // ValidateManifest, CanonicalBytes and ManifestHash would each serialize the model; at
    // thousands of identities one ToJson shared by the three steps matters.
    nlohmann::json doc = manifest::ToJson(m);
    absl::Status s = manifest::ParseManifestJson(doc).status();  // = ValidateManifest(m)
    if (s.ok()) {
      ASSIGN_OR_RETURN(out.canonical, crypto::CanonicalJson(doc));  // = CanonicalBytes(m)
      out.hash = manifest::ManifestHashOfCanonical(out.canonical);
      break;
    }
    auto [list, index] = Culprit(ToStd(s.message()));
    std::string message(s.message());
    if (list == "identities" && index < m.identities.size()) {
      out.rejected.push_back({"WorkloadIdentity", m.identities[index].ref, message});
      m.identities.erase(m.identities.begin() + index);
    } else if (list == "secrets" && index < m.secrets.size()) {
      out.rejected.push_back({"SecretRelease", m.secrets[index].ref, message});
      m.secrets.erase(m.secrets.begin() + index);
    } else if (list == "ingresses" && index < m.ingresses.size()) {
      out.rejected.push_back({"ConfidentialIngress", m.ingresses[index].ref, message});
      m.ingresses.erase(m.ingresses.begin() + index);
    } else {
      return s;
    }
  }
  return out;
}

}  // namespace c8s::op
