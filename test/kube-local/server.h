// The HTTPS front of c8s-kube-local: bearer-token authentication, URL routing onto Api,
// discovery and OpenAPI documents, Table responses, and streaming watches with bookmarks.
// cpp-httplib serves TLS (it is built with OpenSSL, CPPHTTPLIB_OPENSSL_SUPPORT); every
// request runs on a pool thread, and a watch holds its thread for as long as it streams.
//
//   Server server(&registry, &store, &api, {.token = "t", .cert_file = c, .key_file = k});
//   RETURN_IF_ERROR(server.Start());      // port() is then known
//   server.Stop();                        // ends open watches too
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <thread>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "test/kube-local/api.h"

namespace httplib {
class SSLServer;
struct Request;
struct Response;
}  // namespace httplib

namespace c8s::kubelocal {

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 0;  // 0: any free port
  std::string token;
  std::string cert_file;  // PEM server certificate (chain)
  std::string key_file;   // PEM private key
  absl::Duration bookmark_interval = absl::Seconds(1);
  int threads = 64;
};

class Server {
 public:
  Server(Registry* registry, Store* store, Api* api, ServerOptions options);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  absl::Status Start();
  void Stop();
  int port() const { return port_; }

 private:
  struct Route;
  void Handle(const httplib::Request& req, httplib::Response& res);
  bool HandleNonResource(const httplib::Request& req, httplib::Response& res);
  void HandleResource(const Route& route, const httplib::Request& req, httplib::Response& res);
  void HandleList(const Route& route, const httplib::Request& req, httplib::Response& res);
  void HandleWatch(const Route& route, const httplib::Request& req, httplib::Response& res);

  Registry* registry_;
  Store* store_;
  Api* api_;
  ServerOptions options_;
  std::unique_ptr<httplib::SSLServer> http_;
  std::thread thread_;
  std::shared_ptr<std::atomic<bool>> stopping_;
  int port_ = 0;
};

}  // namespace c8s::kubelocal
