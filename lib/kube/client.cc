#include "lib/kube/client.h"

#include <httplib.h>
#include <poll.h>

#include "lib/base/status.h"
#include "lib/base/strings.h"
#include "lib/crypto/keys.h"
#include "lib/crypto/x509.h"
#include "lib/kube/errors.h"

namespace c8s::kube {
namespace {

std::string Query(std::vector<std::pair<std::string, std::string>> params) {
  std::string q;
  for (const auto& [k, v] : params) {
    if (v.empty()) continue;
    q += (q.empty() ? "?" : "&") + k + "=" + httplib::detail::encode_query_param(v);
  }
  return q;
}

// An idle keep-alive connection has nothing to read: if its socket is readable (EOF, a TLS
// close_notify) or in error, the server closed it, e.g. across an API server restart. Reusing
// it would fail the next request for no reason of its own.
bool IdleConnectionAlive(const httplib::SSLClient& c) {
  if (!c.is_socket_open()) return true;  // not connected yet: connects on first use
  pollfd p{c.socket(), POLLIN, 0};
  return poll(&p, 1, 0) == 0;
}

}  // namespace

struct Client::Roots {
  std::vector<crypto::Certificate> certs;
};

absl::StatusOr<std::unique_ptr<Client>> Client::Create(KubeConfig config) {
  auto roots = std::make_shared<Roots>();
  if (!config.ca_pem.empty()) {
    ASSIGN_OR_RETURN(roots->certs,
                     Annotate(crypto::Certificate::FromPemBundle(config.ca_pem), "kube CA"));
  }
  std::unique_ptr<Client> c(new Client(std::move(config)));
  c->roots_ = std::move(roots);
  ASSIGN_OR_RETURN(std::unique_ptr<httplib::SSLClient> probe, c->Connect());
  c->Release(std::move(probe));
  return c;
}

Client::Client(KubeConfig config) : config_(std::move(config)) {}
Client::~Client() = default;

std::string Client::Path(const Resource& r, const std::string& ns, const std::string& name,
                         const std::string& subresource) {
  std::string p = r.group.empty() ? "/api/" + r.version : "/apis/" + r.group + "/" + r.version;
  if (r.namespaced && !ns.empty()) p += "/namespaces/" + ns;
  p += "/" + r.resource;
  if (!name.empty()) p += "/" + name;
  if (!subresource.empty()) p += "/" + subresource;
  return p;
}

absl::StatusOr<std::unique_ptr<httplib::SSLClient>> Client::Connect(bool reuse) {
  if (reuse) {
    std::lock_guard<std::mutex> lock(mu_);
    while (!idle_.empty()) {
      auto c = std::move(idle_.back());
      idle_.pop_back();
      if (IdleConnectionAlive(*c)) return c;
    }
  }
  X509* cert = nullptr;
  EVP_PKEY* key = nullptr;
  std::optional<crypto::Certificate> client_cert;
  std::optional<crypto::PrivateKey> client_key;
  if (!config_.client_cert_pem.empty()) {
    ASSIGN_OR_RETURN(client_cert, crypto::Certificate::FromPem(config_.client_cert_pem));
    ASSIGN_OR_RETURN(client_key, crypto::PrivateKey::FromPem(config_.client_key_pem));
    cert = client_cert->x509();
    key = client_key->evp();
  }
  auto c = std::make_unique<httplib::SSLClient>(config_.host, config_.port, cert, key);
  if (!c->is_valid()) return absl::InternalError("kube client: TLS context setup failed");
  if (!roots_->certs.empty()) {
    X509_STORE* store = X509_STORE_new();  // owned by the client's SSL_CTX from here on
    for (const auto& root : roots_->certs) X509_STORE_add_cert(store, root.x509());
    c->set_ca_cert_store(store);
  }
  c->enable_server_certificate_verification(!config_.insecure_skip_verify);
  c->set_keep_alive(true);
  c->set_tcp_nodelay(true);  // header and body go out as two writes: no Nagle delay
  c->set_url_encode(false);  // Query() already encodes
  c->set_connection_timeout(5, 0);
  c->set_read_timeout(60, 0);
  c->set_write_timeout(30, 0);
  return c;
}

void Client::Release(std::unique_ptr<httplib::SSLClient> c) {
  std::lock_guard<std::mutex> lock(mu_);
  if (idle_.size() < 32) idle_.push_back(std::move(c));
}

absl::StatusOr<json> Client::Do(const std::string& method, const std::string& path,
                                const std::string& body, const std::string& content_type) {
  ASSIGN_OR_RETURN(std::string token, config_.BearerToken());
  httplib::Headers headers = {{"Accept", "application/json"}, {"User-Agent", "c8s-kube/0.1"}};
  if (!token.empty()) headers.emplace("Authorization", "Bearer " + token);
  ASSIGN_OR_RETURN(std::unique_ptr<httplib::SSLClient> http, Connect());
  httplib::Result res = [&] {
    if (method == "GET") return http->Get(path, headers);
    if (method == "POST") return http->Post(path, headers, body, content_type);
    if (method == "PUT") return http->Put(path, headers, body, content_type);
    if (method == "PATCH") return http->Patch(path, headers, body, content_type);
    return http->Delete(path, headers, body, content_type);
  }();
  if (!res) {
    return absl::UnavailableError(
        StrCat("kube API ", method, " ", path, ": ", httplib::to_string(res.error())));
  }
  int code = res->status;
  std::string response = res->body;
  std::string retry_after = res->get_header_value("Retry-After");
  Release(std::move(http));
  if (code < 200 || code >= 300) return HttpError(code, response, retry_after);
  json out = json::parse(response, nullptr, false);
  if (out.is_discarded())
    return absl::DataLossError(StrCat("kube API ", path, ": response is not JSON"));
  return out;
}

absl::StatusOr<json> Client::Get(const Resource& r, const std::string& ns,
                                 const std::string& name) {
  return Do("GET", Path(r, ns, name), "", "");
}

absl::StatusOr<json> Client::List(const Resource& r, const std::string& ns, const ListOptions& o) {
  return Do("GET",
            Path(r, ns) + Query({{"labelSelector", o.label_selector},
                                 {"fieldSelector", o.field_selector},
                                 {"limit", o.limit > 0 ? std::to_string(o.limit) : ""},
                                 {"continue", o.continue_token}}),
            "", "");
}

absl::StatusOr<json> Client::ListAll(const Resource& r, const std::string& ns, ListOptions o) {
  ASSIGN_OR_RETURN(json all, List(r, ns, o));
  std::string next = all["metadata"].value("continue", "");
  while (!next.empty()) {
    o.continue_token = next;
    ASSIGN_OR_RETURN(json page, List(r, ns, o));
    for (auto& item : page["items"]) all["items"].push_back(std::move(item));
    next = page["metadata"].value("continue", "");
  }
  all["metadata"].erase("continue");
  all["metadata"].erase("remainingItemCount");
  return all;
}

absl::StatusOr<json> Client::Create(const Resource& r, const std::string& ns, const json& object) {
  return Do("POST", Path(r, ns), object.dump(), "application/json");
}

absl::StatusOr<json> Client::Update(const Resource& r, const json& object) {
  const json& md = object.value("metadata", json::object());
  return Do("PUT", Path(r, md.value("namespace", ""), md.value("name", "")), object.dump(),
            "application/json");
}

absl::StatusOr<json> Client::UpdateStatus(const Resource& r, const json& object) {
  const json& md = object.value("metadata", json::object());
  return Do("PUT", Path(r, md.value("namespace", ""), md.value("name", ""), "status"),
            object.dump(), "application/json");
}

absl::StatusOr<json> Client::MergePatch(const Resource& r, const std::string& ns,
                                        const std::string& name, const json& patch, bool status) {
  return Do("PATCH", Path(r, ns, name, status ? "status" : ""), patch.dump(),
            "application/merge-patch+json");
}

absl::Status Client::Delete(const Resource& r, const std::string& ns, const std::string& name,
                            const DeleteOptions& o) {
  json body = {{"kind", "DeleteOptions"}, {"apiVersion", "v1"}};
  if (!o.propagation_policy.empty()) body["propagationPolicy"] = o.propagation_policy;
  if (!o.precondition_uid.empty()) body["preconditions"]["uid"] = o.precondition_uid;
  if (!o.precondition_resource_version.empty()) {
    body["preconditions"]["resourceVersion"] = o.precondition_resource_version;
  }
  return Do("DELETE", Path(r, ns, name), body.dump(), "application/json").status();
}

absl::StatusOr<Resource> Client::Discover(const std::string& api_version, const std::string& kind) {
  std::string path =
      api_version.find('/') == std::string::npos ? "/api/" + api_version : "/apis/" + api_version;
  ASSIGN_OR_RETURN(json list, Do("GET", path, "", ""));
  for (const auto& r : list.value("resources", json::array())) {
    std::string name = r.value("name", "");
    if (r.value("kind", "") != kind || name.find('/') != std::string::npos) continue;
    Resource out;
    size_t slash = api_version.find('/');
    out.group = slash == std::string::npos ? "" : api_version.substr(0, slash);
    out.version = slash == std::string::npos ? api_version : api_version.substr(slash + 1);
    out.resource = name;
    out.namespaced = r.value("namespaced", true);
    return out;
  }
  return absl::NotFoundError(StrCat("no resource for kind ", kind, " in ", api_version));
}

}  // namespace c8s::kube
