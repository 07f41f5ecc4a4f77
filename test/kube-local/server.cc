#include "test/kube-local/server.h"

#include <httplib.h>

#include "lib/base/log.h"
#include "lib/base/strings.h"
#include "test/kube-local/discovery.h"
#include "test/kube-local/server_internal.h"
#include "test/kube-local/table.h"

namespace c8s::kubelocal {
namespace {

std::vector<std::string> Split(const std::string& path) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < path.size()) {
    size_t slash = path.find('/', start);
    if (slash == std::string::npos) slash = path.size();
    if (slash > start) out.push_back(path.substr(start, slash - start));
    start = slash + 1;
  }
  return out;
}

std::string Param(const httplib::Request& req, const char* name) {
  return req.has_param(name) ? req.get_param_value(name) : "";
}

WriteOptions WriteOptionsOf(const httplib::Request& req, std::vector<std::string>* warnings) {
  WriteOptions o;
  o.field_validation = Param(req, "fieldValidation");
  o.dry_run = Param(req, "dryRun") == "All";
  o.warnings = warnings;
  return o;
}

}  // namespace

void Reply(httplib::Response& res, int code, const nlohmann::json& body) {
  res.status = code;
  res.set_content(body.dump(), "application/json");
}

void ReplyError(httplib::Response& res, const ApiError& e) { Reply(res, e.code, e.ToJson()); }

Server::Server(Registry* registry, Store* store, Api* api, ServerOptions options)
    : registry_(registry),
      store_(store),
      api_(api),
      options_(std::move(options)),
      stopping_(std::make_shared<std::atomic<bool>>(false)) {}

Server::~Server() { Stop(); }

absl::Status Server::Start() {
  http_ =
      std::make_unique<httplib::SSLServer>(options_.cert_file.c_str(), options_.key_file.c_str());
  if (!http_->is_valid()) {
    return absl::InvalidArgumentError(StrCat("TLS setup failed for ", options_.cert_file));
  }
  int threads = options_.threads;
  http_->new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  http_->set_keep_alive_timeout(30);
  // cpp-httplib closes a connection after 5 requests by default; API servers keep client
  // connections open, and every new one costs clients a TLS handshake.
  http_->set_keep_alive_max_count(1 << 20);
  http_->set_tcp_nodelay(true);
  http_->set_read_timeout(30, 0);
  auto handler = [this](const httplib::Request& req, httplib::Response& res) { Handle(req, res); };
  // A body with fields of the wrong JSON type makes nlohmann throw deep inside a handler (no
  // write has happened by then): answer 400 as the real server's decoder would.
  http_->set_exception_handler(
      [](const httplib::Request&, httplib::Response& res, std::exception_ptr ep) {
        std::string what = "malformed request";
        try {
          std::rethrow_exception(ep);
        } catch (const std::exception& e) {
          what = e.what();
        } catch (...) {
        }
        ReplyError(res, BadRequest("the request body could not be decoded: " + what));
      });
  http_->Get(".*", handler);
  http_->Post(".*", handler);
  http_->Put(".*", handler);
  http_->Patch(".*", handler);
  http_->Delete(".*", handler);
  if (options_.port == 0) {
    port_ = http_->bind_to_any_port(options_.host);
  } else {
    port_ = http_->bind_to_port(options_.host, options_.port) ? options_.port : -1;
  }
  if (port_ <= 0) {
    return absl::UnavailableError(StrCat("cannot listen on ", options_.host, ":", options_.port));
  }
  thread_ = std::thread([this] { http_->listen_after_bind(); });
  return absl::OkStatus();
}

void Server::Stop() {
  if (!http_) return;
  stopping_->store(true);
  {
    std::lock_guard<std::mutex> lock(store_->mu);
    store_->cv.notify_all();
  }
  http_->stop();
  if (thread_.joinable()) thread_.join();
  http_.reset();
}

void Server::Handle(const httplib::Request& req, httplib::Response& res) {
  if (req.path == "/healthz" || req.path == "/readyz" || req.path == "/livez") {
    res.set_content("ok", "text/plain");
    return;
  }
  std::string auth = req.get_header_value("Authorization");
  if (auth != "Bearer " + options_.token) {
    ReplyError(res, Unauthorized());
    return;
  }
  if (HandleNonResource(req, res)) return;
  std::vector<std::string> seg = Split(req.path);
  std::string group, version;
  size_t rest = 0;
  if (seg.size() >= 3 && seg[0] == "api") {
    version = seg[1];
    rest = 2;
  } else if (seg.size() >= 4 && seg[0] == "apis") {
    group = seg[1];
    version = seg[2];
    rest = 3;
  } else {
    Reply(
        res, 404,
        ApiError{404, "NotFound", "the server could not find the requested resource", {}}.ToJson());
    return;
  }
  std::vector<std::string> r(seg.begin() + rest, seg.end());
  Route route;
  std::optional<ResourceType> t;
  if (r.size() >= 3 && r[0] == "namespaces" && (t = registry_->Find(group, version, r[2])) &&
      t->namespaced) {
    route.ns = r[1];
    r.erase(r.begin(), r.begin() + 2);
  } else {
    t = registry_->Find(group, version, r[0]);
    if (t && t->namespaced && r.size() >= 2) t.reset();  // namespaced kind without namespace
  }
  if (!t || r.size() > 3 || (r.size() == 3 && r[2] != "status")) {
    Reply(
        res, 404,
        ApiError{404, "NotFound", "the server could not find the requested resource", {}}.ToJson());
    return;
  }
  route.type = *t;
  if (r.size() >= 2) route.name = r[1];
  if (r.size() == 3) route.subresource = r[2];
  if (route.subresource == "status" && !t->has_status) {
    Reply(
        res, 404,
        ApiError{404, "NotFound", "the server could not find the requested resource", {}}.ToJson());
    return;
  }
  HandleResource(route, req, res);
}

bool Server::HandleNonResource(const httplib::Request& req, httplib::Response& res) {
  const std::string& p = req.path;
  std::vector<std::string> seg = Split(p);
  if (p == "/version") {
    Reply(res, 200,
          {{"major", "1"},
           {"minor", "32"},
           {"gitVersion", "v1.32.0-c8s-kube-local"},
           {"platform", "linux/amd64"},
           {"goVersion", "n/a"},
           {"compiler", "gc"}});
  } else if (p == "/api") {
    Reply(res, 200, ApiVersions(StrCat(options_.host, ":", port_)));
  } else if (p == "/apis") {
    Reply(res, 200, ApiGroupList(*registry_));
  } else if (seg.size() == 2 && seg[0] == "api") {
    auto list = ApiResourceList(*registry_, "", seg[1]);
    list ? Reply(res, 200, *list) : ReplyError(res, ApiError{404, "NotFound", "not found", {}});
  } else if (seg.size() == 2 && seg[0] == "apis") {
    auto g = ApiGroup(*registry_, seg[1]);
    g ? Reply(res, 200, *g) : ReplyError(res, ApiError{404, "NotFound", "not found", {}});
  } else if (seg.size() == 3 && seg[0] == "apis") {
    auto list = ApiResourceList(*registry_, seg[1], seg[2]);
    list ? Reply(res, 200, *list) : ReplyError(res, ApiError{404, "NotFound", "not found", {}});
  } else if (p == "/openapi/v3") {
    Reply(res, 200, OpenApiV3Root(*registry_));
  } else if (seg.size() >= 3 && seg[0] == "openapi" && seg[1] == "v3") {
    auto doc = OpenApiV3GroupVersion(*registry_, p.substr(std::string("/openapi/v3/").size()));
    doc ? Reply(res, 200, *doc) : ReplyError(res, ApiError{404, "NotFound", "not found", {}});
  } else if (!seg.empty() && (seg[0] == "openapi" || seg[0] == "swagger-2.0.0.pb-v1")) {
    ReplyError(res, ApiError{404, "NotFound", "OpenAPI v2 is not served; use /openapi/v3", {}});
  } else {
    return false;
  }
  return true;
}

void Server::HandleResource(const Route& route, const httplib::Request& req,
                            httplib::Response& res) {
  const ResourceType& t = route.type;
  std::string ns = t.namespaced ? route.ns : "";
  std::vector<std::string> warnings;
  WriteOptions wopts = WriteOptionsOf(req, &warnings);
  nlohmann::json out;
  ApiError e;
  int ok_code = 200;
  nlohmann::json body;
  if (req.method == "POST" || req.method == "PUT" ||
      (req.method == "DELETE" && !req.body.empty())) {
    std::string ct = req.get_header_value("Content-Type");
    if (!ct.empty() && ct.rfind("application/json", 0) != 0) {
      // Protobuf and CBOR request bodies (typed clients, `kubectl create deployment`) are not
      // understood: answer as a server without that codec would.
      ReplyError(res, UnsupportedMediaType(ct));
      return;
    }
    body = nlohmann::json::parse(req.body, nullptr, false);
    if (body.is_discarded()) {
      ReplyError(res, BadRequest("the body of the request could not be decoded as JSON"));
      return;
    }
  }
  bool status = route.subresource == "status";
  if (req.method == "GET") {
    if (route.name.empty()) {
      std::string w = Param(req, "watch");
      (w == "true" || w == "1") ? HandleWatch(route, req, res) : HandleList(route, req, res);
      return;
    }
    e = api_->Get(t, ns, route.name, &out);
    if (e.ok() && WantsTable(req.get_header_value("Accept"))) {
      out = ToTable(t, {out}, out["metadata"].value("resourceVersion", ""),
                    Param(req, "includeObject"));
    }
  } else if (req.method == "POST" && route.name.empty()) {
    if (t.namespaced && route.ns.empty()) {
      ReplyError(res, MethodNotAllowed("a namespace is required to create " + t.resource));
      return;
    }
    e = api_->Create(t, ns, body, wopts, &out);
    ok_code = 201;
  } else if (req.method == "PUT" && !route.name.empty()) {
    e = api_->Update(t, ns, route.name, body, status, wopts, &out);
  } else if (req.method == "PATCH" && !route.name.empty()) {
    e = api_->Patch(t, ns, route.name, req.get_header_value("Content-Type"), req.body, status,
                    wopts, &out);
  } else if (req.method == "DELETE" && !route.name.empty() && !status) {
    if (!body.is_object()) body = nlohmann::json::object();
    if (req.has_param("propagationPolicy"))
      body["propagationPolicy"] = Param(req, "propagationPolicy");
    e = api_->Delete(t, ns, route.name, body, &out);
  } else if (req.method == "DELETE" && route.name.empty()) {
    ListOptions lo;
    auto labels = kube::LabelSelector::Parse(Param(req, "labelSelector"));
    if (!labels.ok()) {
      ReplyError(res, BadRequest(StatusText(labels.status())));
      return;
    }
    lo.labels = *labels;
    nlohmann::json list;
    api_->List(t, ns, lo, &list);
    for (const auto& item : list["items"]) {
      nlohmann::json ignored;
      api_->Delete(t, item["metadata"].value("namespace", ""), item["metadata"].value("name", ""),
                   body.is_object() ? body : nlohmann::json::object(), &ignored);
    }
    out = list;
  } else {
    ReplyError(res,
               MethodNotAllowed("the server does not allow this method on the requested resource"));
    return;
  }
  for (const std::string& w : warnings) res.set_header("Warning", "299 - \"" + w + "\"");
  if (!e.ok()) {
    ReplyError(res, e);
    return;
  }
  Reply(res, ok_code, out);
}

}  // namespace c8s::kubelocal
