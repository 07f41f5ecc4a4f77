// An informer: list + watch of one resource kept in a local cache with indexes (namespace,
// owner uid, label key=value) and event handlers. It resumes a broken watch from the last
// resourceVersion it saw (bookmarks included), relists when the server answers 410 Gone,
// and reconnects with exponential backoff (lib/base/backoff.h) while the server is away.
//
//   Informer inf(client.get(), kPods, {.ns = "shop"});
//   inf.AddHandlers({.on_add = [&](const json& o) { queue.Add(Key(o)); }});
//   inf.Start();  inf.WaitForSync(absl::Seconds(10));
//   for (const json& pod : inf.ByOwner(deployment_uid)) ...;
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "lib/base/backoff.h"
#include "lib/kube/client.h"

namespace c8s::kube {

struct EventHandlers {
  std::function<void(const json& obj)> on_add;
  std::function<void(const json& old_obj, const json& new_obj)> on_update;
  std::function<void(const json& obj)> on_delete;
};

struct InformerOptions {
  std::string ns = {};  // "" = every namespace
  std::string label_selector = {};
  int watch_timeout_seconds = 300;
  BackoffOptions backoff{absl::Milliseconds(50), absl::Seconds(10), 2.0, 0.2};
};

// "namespace/name" (or "name" when cluster-scoped): the cache and work-queue key.
std::string ObjectKey(const json& obj);

class Informer {
 public:
  Informer(Client* client, Resource resource, InformerOptions options = {});
  ~Informer();
  Informer(const Informer&) = delete;
  Informer& operator=(const Informer&) = delete;

  // Handlers run on the informer thread, after the cache reflects the event.
  void AddHandlers(EventHandlers handlers);
  void Start();
  void Stop();
  bool WaitForSync(absl::Duration timeout);

  std::optional<json> Get(const std::string& key) const;
  std::vector<json> List() const;
  // The cached objects without copying them (sorted by key); they never change once cached:
  // an update replaces the pointer.
  std::vector<std::shared_ptr<const json>> Snapshot() const;
  std::vector<json> ByNamespace(const std::string& ns) const;
  std::vector<json> ByOwner(const std::string& owner_uid) const;
  std::vector<json> ByLabel(const std::string& key, const std::string& value) const;

  std::string last_resource_version() const;
  int relists() const { return relists_.load(); }        // lists after the first (410 Gone)
  int reconnects() const { return reconnects_.load(); }  // watches re-opened after an error

 private:
  void Run();
  absl::Status Relist();
  void Apply(const std::string& type, const json& obj);
  void IndexLocked(const std::string& key, const json& obj, bool add);
  std::vector<json> Lookup(const std::map<std::string, std::set<std::string>>& index,
                           const std::string& value) const;
  bool SleepFor(absl::Duration d);  // false when stopped meanwhile

  Client* client_;
  Resource resource_;
  InformerOptions options_;
  std::vector<EventHandlers> handlers_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::map<std::string, std::shared_ptr<const json>> cache_;
  std::map<std::string, std::set<std::string>> by_ns_, by_owner_, by_label_;
  std::string rv_ = {};
  bool synced_ = false;
  std::atomic<bool> stop_{false};
  WatchCanceller canceller_;
  std::atomic<int> relists_{0}, reconnects_{0};
  std::thread thread_;
};

}  // namespace c8s::kube
