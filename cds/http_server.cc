// cpp-httplib front of HandleCdsGet: TLS 1.3 with the CDS serving identity, GET only, small
// requests, bounded time per request.
#include "cds/http_server.h"

#include <httplib.h>

#include <thread>

#include "cds/serving_identity.h"
#include "lib/base/log.h"
#include "lib/base/status.h"
#include "lib/base/strings.h"

namespace c8s::cds {
namespace {

absl::StatusOr<std::pair<std::string, int>> SplitHostPort(const std::string& listen) {
  size_t colon = listen.rfind(':');
  if (colon == std::string::npos) {
    return absl::InvalidArgumentError(StrCat("listen address \"", listen, "\": want host:port"));
  }
  std::string host = listen.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  int port = 0;
  for (char c : listen.substr(colon + 1)) {
    if (c < '0' || c > '9' || port > 65535) {
      return absl::InvalidArgumentError(StrCat("listen address \"", listen, "\": bad port"));
    }
    port = port * 10 + (c - '0');
  }
  return std::make_pair(host, port);
}

class Server : public CdsHttpServer {
 public:
  Server(CdsRuntime* rt, HttpServerOptions o) : rt_(rt), options_(std::move(o)) {}
  ~Server() override { Stop(); }

  absl::Status Run() {
    ASSIGN_OR_RETURN(crypto::TlsIdentity id, ServingIdentity(rt_->cds().get(), options_.sans));
    identity_ = std::move(id);
    absl::Status tls_status;
    http_ = std::make_unique<httplib::SSLServer>([&](SSL_CTX& ctx) {
      tls_status = crypto::ConfigureServerContext(&ctx, {identity_, nullptr, false});
      return tls_status.ok();
    });
    if (!http_->is_valid()) return Annotate(tls_status, "https");
    http_->set_read_timeout(5);
    http_->set_write_timeout(5);
    http_->set_keep_alive_max_count(100);
    http_->set_payload_max_length(4096);
    auto get = [this](const httplib::Request& req, httplib::Response& res) {
      std::vector<std::pair<std::string, std::string>> query(req.params.begin(), req.params.end());
      HttpAnswer a = HandleCdsGet(*rt_, options_, req.path, query);
      res.status = a.status;
      res.set_content(a.body, a.content_type.c_str());
    };
    http_->Get(".*", get);
    auto refuse = [](const httplib::Request& req, httplib::Response& res) {
      res.status = 405;
      res.set_header("Allow", "GET");
      res.set_content(nlohmann::json{{"error", StrCat("method ", req.method, " not allowed: ",
                                                      "the CDS HTTP endpoints are GET only")},
                                     {"code", "INVALID_ARGUMENT"}}
                          .dump(),
                      "application/json");
    };
    http_->Post(".*", refuse);
    http_->Put(".*", refuse);
    http_->Delete(".*", refuse);
    http_->Patch(".*", refuse);
    ASSIGN_OR_RETURN(auto hp, SplitHostPort(options_.listen));
    if (hp.second == 0) {
      port_ = http_->bind_to_any_port(hp.first.c_str());
    } else {
      port_ = http_->bind_to_port(hp.first.c_str(), hp.second) ? hp.second : -1;
    }
    if (port_ <= 0)
      return absl::UnavailableError(StrCat("https: cannot listen on ", options_.listen));
    thread_ = std::thread([this] { http_->listen_after_bind(); });
    return absl::OkStatus();
  }

  int port() const override { return port_; }
  void Stop() override {
    if (!http_) return;
    http_->stop();
    if (thread_.joinable()) thread_.join();
    http_.reset();
  }

 private:
  CdsRuntime* rt_;
  HttpServerOptions options_;
  std::optional<crypto::TlsIdentity> identity_;
  std::unique_ptr<httplib::SSLServer> http_;
  std::thread thread_;
  int port_ = 0;
};

}  // namespace

absl::StatusOr<std::unique_ptr<CdsHttpServer>> CdsHttpServer::Start(CdsRuntime* rt,
                                                                    HttpServerOptions options) {
  auto server = std::make_unique<Server>(rt, std::move(options));
  RETURN_IF_ERROR(server->Run());
  return std::unique_ptr<CdsHttpServer>(std::move(server));
}

}  // namespace c8s::cds
