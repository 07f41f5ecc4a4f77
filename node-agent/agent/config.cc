#include "node-agent/agent/config.h"

#include <set>

#include "lib/base/fd.h"
#include "lib/base/status.h"
#include "lib/base/strings.h"
#include "lib/crypto/jcs.h"

namespace c8s::agent {
namespace {

using Json = nlohmann::json;

std::string Join(std::string_view path, std::string_view key) {
  return path.empty() ? std::string(key) : StrCat(path, ".", key);
}

absl::Status Bad(std::string_view path, std::string_view problem) {
  return absl::InvalidArgumentError(StrCat("agent config: ", path, ": ", problem));
}

// One JSON object with its allowed members; typed getters that leave defaults when absent.
class Obj {
 public:
  static absl::StatusOr<Obj> Open(const Json& j, std::string path,
                                  std::initializer_list<std::string_view> allowed) {
    if (!j.is_object()) return Bad(path.empty() ? "(root)" : path, "must be an object");
    std::set<std::string_view> ok(allowed);
    for (const auto& [key, value] : j.items()) {
      if (!ok.count(key)) {
        std::string list;
        for (std::string_view a : allowed) list += StrCat(list.empty() ? "" : ", ", a);
        return Bad(Join(path, key), StrCat("unknown field (allowed: ", list, ")"));
      }
    }
    return Obj(&j, std::move(path));
  }
  const Json* Get(std::string_view key) const {
    auto it = j_->find(std::string(key));
    return it == j_->end() ? nullptr : &*it;
  }
  std::string Path(std::string_view key) const { return Join(path_, key); }
  absl::Status String(std::string_view key, std::string* out, bool required = false) const {
    const Json* v = Get(key);
    if (v == nullptr) return required ? Bad(Path(key), "missing required field") : absl::OkStatus();
    if (!v->is_string()) return Bad(Path(key), "must be a string");
    *out = v->get<std::string>();
    if (required && out->empty()) return Bad(Path(key), "must not be empty");
    return absl::OkStatus();
  }
  absl::Status Bool(std::string_view key, bool* out) const {
    const Json* v = Get(key);
    if (v == nullptr) return absl::OkStatus();
    if (!v->is_boolean()) return Bad(Path(key), "must be a boolean");
    *out = v->get<bool>();
    return absl::OkStatus();
  }
  template <typename T>
  absl::Status Int(std::string_view key, int64_t min, int64_t max, T* out) const {
    const Json* v = Get(key);
    if (v == nullptr) return absl::OkStatus();
    if (!v->is_number_integer() || v->get<int64_t>() < min || v->get<int64_t>() > max) {
      return Bad(Path(key), StrCat("must be an integer in [", min, ", ", max, "]"));
    }
    *out = static_cast<T>(v->get<int64_t>());
    return absl::OkStatus();
  }
  absl::Status Strings(std::string_view key, std::vector<std::string>* out) const {
    const Json* v = Get(key);
    if (v == nullptr) return absl::OkStatus();
    if (!v->is_array()) return Bad(Path(key), "must be an array of strings");
    out->clear();
    for (size_t i = 0; i < v->size(); ++i) {
      if (!(*v)[i].is_string()) return Bad(StrCat(Path(key), "[", i, "]"), "must be a string");
      out->push_back((*v)[i].get<std::string>());
    }
    return absl::OkStatus();
  }

 private:
  Obj(const Json* j, std::string path) : j_(j), path_(std::move(path)) {}
  const Json* j_;
  std::string path_;
};

absl::Status ParseCds(const Json& j, CdsConfig* out) {
  ASSIGN_OR_RETURN(Obj o,
                   Obj::Open(j, "cds", {"address", "caFile", "referenceValues", "simulatedRoots"}));
  RETURN_IF_ERROR(o.String("address", &out->address, true));
  RETURN_IF_ERROR(o.String("caFile", &out->ca_file));
  if (const Json* rv = o.Get("referenceValues")) {
    absl::StatusOr<client::CdsReferenceValues> ref = client::CdsReferenceValuesFromJson(*rv);
    if (!ref.ok()) return Bad(o.Path("referenceValues"), StatusText(ref.status()));
    out->reference_values = *std::move(ref);
  }
  if (out->reference_values && !out->ca_file.empty()) {
    return Bad(o.Path("caFile"),
               "exclusive with referenceValues (an attested CDS needs no configured CA)");
  }
  return o.Strings("simulatedRoots", &out->simulated_roots);
}

absl::Status ParseBpf(const Json& j, BpfConfig* out) {
  ASSIGN_OR_RETURN(
      Obj o, Obj::Open(j, "bpf",
                       {"enabled", "pinRoot", "uplinks", "uplinkPatterns", "defaultRouteUplinks",
                        "podPatterns", "podCgroup", "proxyCgroup", "redirect", "redirectV6",
                        "kubeletPort", "ingressPorts", "bootstrap"}));
  RETURN_IF_ERROR(o.Bool("enabled", &out->enabled));
  RETURN_IF_ERROR(o.String("pinRoot", &out->pin_root));
  RETURN_IF_ERROR(o.Strings("uplinks", &out->uplinks));
  RETURN_IF_ERROR(o.Strings("uplinkPatterns", &out->uplink_patterns));
  RETURN_IF_ERROR(o.Bool("defaultRouteUplinks", &out->default_route_uplinks));
  if (o.Get("podPatterns") != nullptr) {
    out->pod_patterns.emplace();
    RETURN_IF_ERROR(o.Strings("podPatterns", &*out->pod_patterns));
  }
  RETURN_IF_ERROR(o.String("podCgroup", &out->pod_cgroup));
  RETURN_IF_ERROR(o.String("proxyCgroup", &out->proxy_cgroup));
  RETURN_IF_ERROR(o.String("redirect", &out->redirect));
  RETURN_IF_ERROR(o.String("redirectV6", &out->redirect_v6));
  RETURN_IF_ERROR(o.Int("kubeletPort", 1, 65535, &out->kubelet_port));
  if (const Json* ports = o.Get("ingressPorts")) {
    if (!ports->is_array()) return Bad(o.Path("ingressPorts"), "must be an array of ports");
    for (const Json& p : *ports) {
      if (!p.is_number_integer() || p.get<int64_t>() < 1 || p.get<int64_t>() > 65535) {
        return Bad(o.Path("ingressPorts"), "ports are integers in [1, 65535]");
      }
      out->ingress_ports.push_back(static_cast<uint16_t>(p.get<int64_t>()));
    }
  }
  if (const Json* b = o.Get("bootstrap")) {
    // Endpoints are checked where they are compiled (the data plane refuses to start on a bad
    // one, naming it).
    ASSIGN_OR_RETURN(Obj bo,
                     Obj::Open(*b, o.Path("bootstrap"),
                               {"cds", "apiServer", "dns", "metadata", "time", "meshCidrs"}));
    manifest::BundleInfrastructure& infra = out->bootstrap;
    RETURN_IF_ERROR(bo.Strings("cds", &infra.cds));
    RETURN_IF_ERROR(bo.Strings("apiServer", &infra.api_server));
    RETURN_IF_ERROR(bo.Strings("dns", &infra.dns));
    RETURN_IF_ERROR(bo.Strings("metadata", &infra.metadata));
    RETURN_IF_ERROR(bo.Strings("time", &infra.time));
    RETURN_IF_ERROR(bo.Strings("meshCidrs", &infra.mesh_cidrs));
  }
  return absl::OkStatus();
}

absl::Status ParseRuntime(const Json& j, AgentConfig* out) {
  ASSIGN_OR_RETURN(Obj o,
                   Obj::Open(j, "runtime", {"kubeletRoot", "containerdRoots", "sandboxCommands"}));
  RETURN_IF_ERROR(o.String("kubeletRoot", &out->volume_roots.kubelet_root));
  RETURN_IF_ERROR(o.Strings("containerdRoots", &out->volume_roots.containerd_roots));
  if (const Json* cmds = o.Get("sandboxCommands")) {
    if (!cmds->is_array()) return Bad(o.Path("sandboxCommands"), "must be an array of argv arrays");
    out->sandbox_commands.clear();
    for (const Json& argv : *cmds) {
      if (!argv.is_array() || argv.empty()) {
        return Bad(o.Path("sandboxCommands"), "each entry is a non-empty array of strings");
      }
      std::vector<std::string> a;
      for (const Json& s : argv) {
        if (!s.is_string()) return Bad(o.Path("sandboxCommands"), "arguments are strings");
        a.push_back(s.get<std::string>());
      }
      out->sandbox_commands.push_back(std::move(a));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<TeeMode> ParseTeeMode(std::string_view name) {
  if (name == "auto") return TeeMode::kAuto;
  if (name == "snp") return TeeMode::kSnp;
  if (name == "tdx") return TeeMode::kTdx;
  if (name == "simulated") return TeeMode::kSimulated;
  return absl::InvalidArgumentError(
      StrCat("tee \"", name, "\": want one of auto, snp, tdx, simulated"));
}

std::string_view TeeModeName(TeeMode mode) {
  switch (mode) {
    case TeeMode::kAuto:
      return "auto";
    case TeeMode::kSnp:
      return "snp";
    case TeeMode::kTdx:
      return "tdx";
    case TeeMode::kSimulated:
      return "simulated";
  }
  return "?";
}

absl::StatusOr<AgentConfig> ParseAgentConfig(std::string_view text) {
  absl::StatusOr<Json> doc = crypto::ParseStrictJson(text);
  if (!doc.ok()) return Annotate(doc.status(), "agent config");
  ASSIGN_OR_RETURN(Obj o, Obj::Open(*doc, "",
                                    {"apiVersion", "nodeName", "nodeAddress", "meshPort",
                                     "trustDomain", "tee", "simulatedStateFile", "cds", "stateDir",
                                     "hookSocket", "podSocket", "httpListen", "containerd", "nri",
                                     "bpf", "runtime", "bootstrap", "logLevel"}));
  std::string version;
  RETURN_IF_ERROR(o.String("apiVersion", &version, true));
  if (version != kAgentConfigApiVersion) {
    return Bad("apiVersion", StrCat("\"", version, "\" is not \"", kAgentConfigApiVersion, "\""));
  }
  AgentConfig c;
  RETURN_IF_ERROR(o.String("nodeName", &c.node_name, true));
  RETURN_IF_ERROR(o.String("nodeAddress", &c.node_address));
  RETURN_IF_ERROR(o.Int("meshPort", 1, 65535, &c.mesh_port));
  RETURN_IF_ERROR(o.String("trustDomain", &c.trust_domain, true));
  std::string tee = "auto";
  RETURN_IF_ERROR(o.String("tee", &tee));
  absl::StatusOr<TeeMode> mode = ParseTeeMode(tee);
  if (!mode.ok()) return Bad("tee", StatusText(mode.status()));
  c.tee = *mode;
  RETURN_IF_ERROR(o.String("simulatedStateFile", &c.simulated_state_file));
  const Json* cds = o.Get("cds");
  if (cds == nullptr) return Bad("cds", "missing required field");
  RETURN_IF_ERROR(ParseCds(*cds, &c.cds));
  RETURN_IF_ERROR(o.String("stateDir", &c.state_dir));
  RETURN_IF_ERROR(o.String("hookSocket", &c.hook_socket));
  RETURN_IF_ERROR(o.String("podSocket", &c.pod_socket));
  RETURN_IF_ERROR(o.String("httpListen", &c.http_listen));
  if (const Json* cd = o.Get("containerd")) {
    ASSIGN_OR_RETURN(Obj co, Obj::Open(*cd, "containerd", {"address", "namespace", "watchEvents"}));
    RETURN_IF_ERROR(co.String("address", &c.containerd.address));
    RETURN_IF_ERROR(co.String("namespace", &c.containerd.ns));
    RETURN_IF_ERROR(co.Bool("watchEvents", &c.containerd.watch_events));
  }
  if (const Json* nri = o.Get("nri")) {
    ASSIGN_OR_RETURN(Obj no, Obj::Open(*nri, "nri", {"enabled", "socket"}));
    RETURN_IF_ERROR(no.Bool("enabled", &c.nri.enabled));
    RETURN_IF_ERROR(no.String("socket", &c.nri.socket));
  }
  if (const Json* bpf = o.Get("bpf")) RETURN_IF_ERROR(ParseBpf(*bpf, &c.bpf));
  if (const Json* rt = o.Get("runtime")) RETURN_IF_ERROR(ParseRuntime(*rt, &c));
  const Json* bootstrap = o.Get("bootstrap");
  if (bootstrap == nullptr) {
    return Bad("bootstrap",
               "missing required field (the allow-list of c8s and system pods that "
               "may start before the first verified policy bundle)");
  }
  ASSIGN_OR_RETURN(
      c.bootstrap,
      Annotate(admission::ParseBootstrapAllowList(*bootstrap, "bootstrap"), "agent config"));
  RETURN_IF_ERROR(o.String("logLevel", &c.log_level));
  if (c.tee == TeeMode::kSimulated && c.simulated_state_file.empty()) {
    return Bad("simulatedStateFile", "required with tee \"simulated\"");
  }
  if (c.tee != TeeMode::kSimulated && !c.simulated_state_file.empty()) {
    return Bad("simulatedStateFile",
               StrCat("only used with tee \"simulated\" (tee is \"", TeeModeName(c.tee), "\")"));
  }
  return c;
}

absl::StatusOr<AgentConfig> LoadAgentConfig(const std::string& path) {
  ASSIGN_OR_RETURN(std::string text, ReadFile(path, 4 << 20));
  return Annotate(ParseAgentConfig(text), path);
}

}  // namespace c8s::agent
