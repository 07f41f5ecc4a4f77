#include "lib/kube/config.h"

#include <cstdlib>

#include "lib/base/bytes.h"
#include "lib/base/fd.h"
#include "lib/base/status.h"
#include "lib/base/strings.h"
#include "lib/kube/json_util.h"
#include "lib/kube/yaml.h"

namespace c8s::kube {
namespace {

const nlohmann::json* FindNamed(const nlohmann::json& doc, const char* list,
                                const std::string& name, const char* inner) {
  if (!doc.contains(list) || !doc[list].is_array()) return nullptr;
  for (const auto& e : doc[list]) {
    if (e.is_object() && GetString(e, "name") == name && e.contains(inner) &&
        e[inner].is_object()) {
      return &e[inner];
    }
  }
  return nullptr;
}

// "<field>-data" (base64) or "<field>" (a file path).
absl::StatusOr<std::string> DataOrFile(const nlohmann::json& obj, const std::string& field,
                                       const std::string& base_dir) {
  std::string data = GetString(obj, field + "-data");
  if (!data.empty()) {
    ASSIGN_OR_RETURN(Bytes raw, Base64Decode(data));
    return std::string(raw.begin(), raw.end());
  }
  std::string file = GetString(obj, field);
  if (file.empty()) return std::string();
  if (file[0] != '/') file = base_dir + "/" + file;
  return Annotate(ReadFile(file), StrCat("kubeconfig ", field));
}

absl::Status ParseServer(const std::string& server, KubeConfig* cfg) {
  const std::string prefix = "https://";
  if (server.rfind(prefix, 0) != 0) {
    return absl::InvalidArgumentError(
        StrCat("kubeconfig: server \"", server, "\" is not https://"));
  }
  std::string hostport = server.substr(prefix.size());
  hostport = hostport.substr(0, hostport.find('/'));
  size_t colon = hostport.rfind(':');
  if (!hostport.empty() && hostport[0] == '[') {  // [v6]:port
    size_t close = hostport.find(']');
    cfg->host = hostport.substr(1, close - 1);
    colon = hostport.find(':', close);
  } else {
    cfg->host = hostport.substr(0, colon);
  }
  if (colon != std::string::npos) {
    char* end = nullptr;
    long port = std::strtol(hostport.c_str() + colon + 1, &end, 10);
    if (*end != '\0' || port <= 0 || port > 65535) {
      return absl::InvalidArgumentError(StrCat("kubeconfig: bad port in \"", server, "\""));
    }
    cfg->port = static_cast<int>(port);
  }
  if (cfg->host.empty()) return absl::InvalidArgumentError("kubeconfig: server has no host");
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::string> KubeConfig::BearerToken() const {
  if (token_file.empty()) return token;
  ASSIGN_OR_RETURN(std::string t, ReadFile(token_file, 1 << 20));
  while (!t.empty() && (t.back() == '\n' || t.back() == '\r' || t.back() == ' ')) t.pop_back();
  return t;
}

absl::StatusOr<KubeConfig> ParseKubeconfig(std::string_view text, const std::string& base_dir,
                                           const LoadOptions& options) {
  ASSIGN_OR_RETURN(std::vector<nlohmann::json> docs, YamlToJson(text));
  if (docs.size() != 1 || !docs[0].is_object()) {
    return absl::InvalidArgumentError("kubeconfig: want exactly one YAML document");
  }
  const nlohmann::json& doc = docs[0];
  std::string context_name =
      options.context.empty() ? GetString(doc, "current-context") : options.context;
  const nlohmann::json* ctx = FindNamed(doc, "contexts", context_name, "context");
  if (ctx == nullptr)
    return absl::NotFoundError(StrCat("kubeconfig: context \"", context_name, "\" not found"));
  const nlohmann::json* cluster = FindNamed(doc, "clusters", GetString(*ctx, "cluster"), "cluster");
  if (cluster == nullptr)
    return absl::NotFoundError(
        StrCat("kubeconfig: cluster \"", GetString(*ctx, "cluster"), "\" not found"));
  KubeConfig cfg;
  RETURN_IF_ERROR(ParseServer(GetString(*cluster, "server"), &cfg));
  cfg.ns = GetString(*ctx, "namespace", "default");
  if (GetBool(*cluster, "insecure-skip-tls-verify", false)) {
    if (!options.allow_insecure) {
      return absl::PermissionDeniedError(
          "kubeconfig: insecure-skip-tls-verify is set; refusing "
          "an unauthenticated API server connection");
    }
    cfg.insecure_skip_verify = true;
  }
  ASSIGN_OR_RETURN(cfg.ca_pem, DataOrFile(*cluster, "certificate-authority", base_dir));
  if (cfg.ca_pem.empty() && !cfg.insecure_skip_verify) {
    return absl::InvalidArgumentError("kubeconfig: cluster has no certificate-authority(-data)");
  }
  const nlohmann::json* user = FindNamed(doc, "users", GetString(*ctx, "user"), "user");
  if (user != nullptr) {
    if (user->contains("exec") || user->contains("auth-provider")) {
      return absl::UnimplementedError(
          "kubeconfig: exec and auth-provider credentials are not supported");
    }
    cfg.token = GetString(*user, "token");
    std::string token_file = GetString(*user, "tokenFile");
    if (!token_file.empty())
      cfg.token_file = token_file[0] == '/' ? token_file : base_dir + "/" + token_file;
    ASSIGN_OR_RETURN(cfg.client_cert_pem, DataOrFile(*user, "client-certificate", base_dir));
    ASSIGN_OR_RETURN(cfg.client_key_pem, DataOrFile(*user, "client-key", base_dir));
    if (cfg.client_cert_pem.empty() != cfg.client_key_pem.empty()) {
      return absl::InvalidArgumentError(
          "kubeconfig: client certificate and key must come together");
    }
  }
  return cfg;
}

absl::StatusOr<KubeConfig> LoadKubeconfig(const std::string& path, const LoadOptions& options) {
  ASSIGN_OR_RETURN(std::string text, Annotate(ReadFile(path), "kubeconfig"));
  size_t slash = path.rfind('/');
  return ParseKubeconfig(text, slash == std::string::npos ? "." : path.substr(0, slash), options);
}

absl::StatusOr<KubeConfig> InClusterConfig(const std::string& root) {
  const char* host = std::getenv("KUBERNETES_SERVICE_HOST");
  const char* port = std::getenv("KUBERNETES_SERVICE_PORT");
  if (host == nullptr || port == nullptr || *host == '\0') {
    return absl::FailedPreconditionError("in-cluster config: KUBERNETES_SERVICE_HOST/PORT unset");
  }
  KubeConfig cfg;
  cfg.host = host;
  cfg.port = std::atoi(port);
  cfg.token_file = root + "/token";
  ASSIGN_OR_RETURN(cfg.ca_pem, Annotate(ReadFile(root + "/ca.crt"), "in-cluster config"));
  if (absl::StatusOr<std::string> ns = ReadFile(root + "/namespace"); ns.ok() && !ns->empty()) {
    cfg.ns = *ns;
  }
  RETURN_IF_ERROR(cfg.BearerToken().status());
  return cfg;
}

absl::StatusOr<KubeConfig> LoadConfig(const std::string& path, const LoadOptions& options,
                                      const std::string& in_cluster_root) {
  if (!path.empty()) return LoadKubeconfig(path, options);
  const char* env = std::getenv("KUBECONFIG");
  if (env != nullptr && *env != '\0') {
    std::string first(env);
    first = first.substr(0, first.find(':'));
    return Annotate(LoadKubeconfig(first, options), "$KUBECONFIG");
  }
  const char* service = std::getenv("KUBERNETES_SERVICE_HOST");
  if (service != nullptr && *service != '\0') return InClusterConfig(in_cluster_root);
  const char* home = std::getenv("HOME");
  if (home == nullptr || *home == '\0') {
    return absl::FailedPreconditionError(
        "no kubeconfig: give --kubeconfig, set KUBECONFIG, or run in a cluster");
  }
  return LoadKubeconfig(StrCat(home, "/.kube/config"), options);
}

}  // namespace c8s::kube
