// In-memory object storage of c8s-kube-local: every object of every kind as JSON, a global
// resourceVersion counter (like etcd's revision), and a bounded history of watch events.
// Watching from a resourceVersion older than the retained history answers 410 Gone.
//
// The caller holds `mu` around every call (lifecycle.cc does a whole read-modify-write under
// one lock); watchers wait on `cv` for new events.
//   std::unique_lock lock(store.mu);
//   store.Put("apps/deployments", "default", "web", obj, "ADDED");
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "nlohmann/json.hpp"

namespace c8s::kubelocal {

struct WatchEvent {
  int64_t rv;
  std::string bucket;
  std::string ns;
  std::string type;  // ADDED, MODIFIED, DELETED
  nlohmann::json object;
};

class Store {
 public:
  explicit Store(size_t history_limit = 10000) : history_limit_(history_limit) {}

  std::mutex mu;
  std::condition_variable cv;

  const nlohmann::json* Get(const std::string& bucket, const std::string& ns,
                            const std::string& name) const;
  // Objects of `bucket` in `ns` (every namespace when `ns` is empty), ordered by ns/name.
  std::vector<const nlohmann::json*> List(const std::string& bucket, const std::string& ns) const;
  // Every stored object with its bucket, for owner-reference garbage collection.
  std::vector<std::pair<std::string, nlohmann::json>> All() const;

  // Assigns the next resourceVersion to `obj`, stores it and records the event.
  void Put(const std::string& bucket, const std::string& ns, const std::string& name,
           nlohmann::json& obj, const std::string& type);
  // Removes the object; the DELETED event carries `final_obj` with a new resourceVersion.
  void Remove(const std::string& bucket, const std::string& ns, const std::string& name,
              nlohmann::json final_obj);

  int64_t CurrentRv() const { return rv_; }
  // Watches from a resourceVersion below this are 410 Gone.
  int64_t CompactedRv() const { return compacted_rv_; }
  // Events of `bucket` with rv > `after`.
  std::vector<WatchEvent> EventsSince(int64_t after, const std::string& bucket) const;
  // Drops all history (as after an API server restart with etcd compaction).
  void CompactAll();
  // Wakes every watcher (shutdown).
  void set_stopping() { stopping_ = true; }
  bool stopping() const { return stopping_; }

 private:
  void Record(WatchEvent event);
  size_t history_limit_;
  int64_t rv_ = 100;
  int64_t compacted_rv_ = 100;
  bool stopping_ = false;
  std::map<std::string, std::map<std::string, nlohmann::json>> buckets_;
  std::deque<WatchEvent> history_;
};

}  // namespace c8s::kubelocal
