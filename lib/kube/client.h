// A generic Kubernetes REST client over JSON: get, list (paged), create, update with
// resourceVersion, JSON merge patch, delete with preconditions and propagation policy, the
// status subresource, streaming watch, and kind -> resource discovery.
//
// HTTP: cpp-httplib's SSLClient (Debian builds it with OpenSSL). It verifies the server
// certificate against the kubeconfig CA and the host name, presents a client certificate when
// configured, and its content-receiver callback hands over each chunk of a chunked response as
// it arrives, which is all a watch needs. One connection per request in flight; idle
// connections are kept (keep-alive) in a small pool, so the client is safe to share between
// threads.
//
//   ASSIGN_OR_RETURN(auto client, Client::Create(cfg));
//   ASSIGN_OR_RETURN(json cm, client->Get(kConfigMaps, "default", "settings"));
//   RETURN_IF_ERROR(client->Watch(kConfigMaps, "default", {.resource_version = rv}, on_event));
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "lib/kube/config.h"
#include "nlohmann/json.hpp"

namespace httplib {
class SSLClient;
}

namespace c8s::kube {

using nlohmann::json;

struct Resource {
  std::string group = {};  // "" for core
  std::string version = {};
  std::string resource = {};  // plural
  bool namespaced = true;
  std::string ApiVersion() const { return group.empty() ? version : group + "/" + version; }
};

struct ListOptions {
  std::string label_selector = {};
  std::string field_selector = {};
  int64_t limit = 0;
  std::string continue_token = {};
};

struct DeleteOptions {
  std::string propagation_policy = {};  // "", "Background", "Foreground", "Orphan"
  std::string precondition_uid = {};
  std::string precondition_resource_version = {};
};

// Lets another thread end a running Watch at once (its connection is shut down) instead of
// waiting for the next event or bookmark to notice a cancel flag. One-shot.
class WatchCanceller {
 public:
  void Cancel();
  bool cancelled() const;

 private:
  friend class Client;
  bool Attach(httplib::SSLClient* client);  // false when already cancelled
  void Detach();
  mutable std::mutex mu_;
  httplib::SSLClient* active_ = nullptr;
  bool cancelled_ = false;
};

struct WatchOptions {
  std::string resource_version = {};  // resume point; "" = current state first
  bool bookmarks = true;
  int timeout_seconds = 300;  // the server ends the stream after this
  std::string label_selector = {};
  std::string field_selector = {};
  const std::atomic<bool>* cancel = nullptr;  // checked whenever data arrives
  WatchCanceller* canceller = nullptr;        // ends the stream from another thread
};

struct WatchEvent {
  std::string type = {};  // ADDED, MODIFIED, DELETED, BOOKMARK
  json object;
};

class Client {
 public:
  static absl::StatusOr<std::unique_ptr<Client>> Create(KubeConfig config);
  ~Client();

  absl::StatusOr<json> Get(const Resource& r, const std::string& ns, const std::string& name);
  // One page; `continue` of the result's metadata fetches the next.
  absl::StatusOr<json> List(const Resource& r, const std::string& ns,
                            const ListOptions& options = {});
  // Every page, items concatenated; metadata.resourceVersion is the first page's.
  absl::StatusOr<json> ListAll(const Resource& r, const std::string& ns, ListOptions options = {});
  absl::StatusOr<json> Create(const Resource& r, const std::string& ns, const json& object);
  // PUT; the object's metadata.resourceVersion makes it conditional (409 when stale).
  absl::StatusOr<json> Update(const Resource& r, const json& object);
  absl::StatusOr<json> UpdateStatus(const Resource& r, const json& object);
  absl::StatusOr<json> MergePatch(const Resource& r, const std::string& ns, const std::string& name,
                                  const json& patch, bool status = false);
  absl::Status Delete(const Resource& r, const std::string& ns, const std::string& name,
                      const DeleteOptions& options = {});
  // Streams events to `on_event` until it returns false (OK), the server closes the stream
  // (OK), the stream breaks (Unavailable), or the server sends an ERROR event (its Status:
  // IsGone() for an expired resourceVersion).
  absl::Status Watch(const Resource& r, const std::string& ns, const WatchOptions& options,
                     const std::function<bool(const WatchEvent&)>& on_event);
  // Resource for apiVersion + kind, from the server's discovery documents.
  absl::StatusOr<Resource> Discover(const std::string& api_version, const std::string& kind);

  const KubeConfig& config() const { return config_; }
  // "/apis/apps/v1/namespaces/default/deployments/web/status"
  static std::string Path(const Resource& r, const std::string& ns, const std::string& name = "",
                          const std::string& subresource = "");

 private:
  explicit Client(KubeConfig config);
  // A keep-alive connection from the pool, or a new one (`reuse` false: always new, for
  // watches, whose connection ends with the stream).
  absl::StatusOr<std::unique_ptr<httplib::SSLClient>> Connect(bool reuse = true);
  void Release(std::unique_ptr<httplib::SSLClient> c);
  absl::StatusOr<json> Do(const std::string& method, const std::string& path,
                          const std::string& body, const std::string& content_type);

  KubeConfig config_;
  struct Roots;  // the kubeconfig CA certificates, parsed once
  std::shared_ptr<const Roots> roots_;
  std::mutex mu_;
  std::vector<std::unique_ptr<httplib::SSLClient>> idle_;
};

}  // namespace c8s::kube
