#include "node-agent/agent/http_server.h"

#include <httplib.h>

#include <thread>

#include "lib/base/log.h"
#include "lib/base/strings.h"

namespace c8s::agent {
namespace {

class Server : public AgentHttpServer {
 public:
  explicit Server(AgentHttpHandlers h) : handlers_(std::move(h)) {
    http_.Get("/metrics", [this](const httplib::Request&, httplib::Response& res) {
      res.set_content(handlers_.metrics(), "text/plain; version=0.0.4");
    });
    http_.Get("/healthz", [](const httplib::Request&, httplib::Response& res) {
      res.set_content("ok\n", "text/plain");
    });
    http_.Get("/readyz", [this](const httplib::Request&, httplib::Response& res) {
      std::string why = handlers_.ready();
      res.status = why.empty() ? 200 : 503;
      res.set_content(why.empty() ? "ready\n" : why + "\n", "text/plain");
    });
    http_.Get("/alerts", [this](const httplib::Request&, httplib::Response& res) {
      res.set_content(handlers_.alerts_json(), "application/json");
    });
  }

  absl::Status Listen(const std::string& listen) {
    size_t colon = listen.rfind(':');
    if (colon == std::string::npos) {
      return absl::InvalidArgumentError(StrCat("httpListen \"", listen, "\": want host:port"));
    }
    std::string host = listen.substr(0, colon);
    int port = 0;
    try {
      port = std::stoi(listen.substr(colon + 1));
    } catch (...) {
      return absl::InvalidArgumentError(StrCat("httpListen \"", listen, "\": bad port"));
    }
    port_ = port == 0 ? http_.bind_to_any_port(host) : (http_.bind_to_port(host, port) ? port : -1);
    if (port_ <= 0) return absl::UnavailableError(StrCat("cannot listen on ", listen));
    thread_ = std::thread([this] { http_.listen_after_bind(); });
    log::Info("http listening", {{"address", host}, {"port", port_}});
    return absl::OkStatus();
  }

  int port() const override { return port_; }
  void Stop() override {
    http_.stop();
    if (thread_.joinable()) thread_.join();
  }
  ~Server() override { Stop(); }

 private:
  AgentHttpHandlers handlers_;
  httplib::Server http_;
  std::thread thread_;
  int port_ = 0;
};

}  // namespace

absl::StatusOr<std::unique_ptr<AgentHttpServer>> AgentHttpServer::Start(
    const std::string& listen, AgentHttpHandlers handlers) {
  auto s = std::make_unique<Server>(std::move(handlers));
  absl::Status st = s->Listen(listen);
  if (!st.ok()) return st;
  return std::unique_ptr<AgentHttpServer>(std::move(s));
}

}  // namespace c8s::agent
