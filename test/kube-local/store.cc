#include "test/kube-local/store.h"

namespace c8s::kubelocal {
namespace {
std::string Key(const std::string& ns, const std::string& name) { return ns + "/" + name; }
}  // namespace

const nlohmann::json* Store::Get(const std::string& bucket, const std::string& ns,
                                 const std::string& name) const {
  auto b = buckets_.find(bucket);
  if (b == buckets_.end()) return nullptr;
  auto it = b->second.find(Key(ns, name));
  return it == b->second.end() ? nullptr : &it->second;
}

std::vector<const nlohmann::json*> Store::List(const std::string& bucket,
                                               const std::string& ns) const {
  std::vector<const nlohmann::json*> out;
  auto b = buckets_.find(bucket);
  if (b == buckets_.end()) return out;
  auto it = ns.empty() ? b->second.begin() : b->second.lower_bound(ns + "/");
  for (; it != b->second.end(); ++it) {
    if (!ns.empty() && it->first.compare(0, ns.size() + 1, ns + "/") != 0) break;
    out.push_back(&it->second);
  }
  return out;
}

std::vector<std::pair<std::string, nlohmann::json>> Store::All() const {
  std::vector<std::pair<std::string, nlohmann::json>> out;
  for (const auto& [bucket, objects] : buckets_) {
    for (const auto& [key, obj] : objects) out.emplace_back(bucket, obj);
  }
  return out;
}

void Store::Put(const std::string& bucket, const std::string& ns, const std::string& name,
                nlohmann::json& obj, const std::string& type) {
  ++rv_;
  obj["metadata"]["resourceVersion"] = std::to_string(rv_);
  buckets_[bucket][Key(ns, name)] = obj;
  Record({rv_, bucket, ns, type, obj});
}

void Store::Remove(const std::string& bucket, const std::string& ns, const std::string& name,
                   nlohmann::json final_obj) {
  auto b = buckets_.find(bucket);
  if (b == buckets_.end()) return;
  b->second.erase(Key(ns, name));
  ++rv_;
  final_obj["metadata"]["resourceVersion"] = std::to_string(rv_);
  Record({rv_, bucket, ns, "DELETED", std::move(final_obj)});
}

void Store::Record(WatchEvent event) {
  history_.push_back(std::move(event));
  while (history_.size() > history_limit_) {
    compacted_rv_ = history_.front().rv;
    history_.pop_front();
  }
  cv.notify_all();
}

std::vector<WatchEvent> Store::EventsSince(int64_t after, const std::string& bucket) const {
  std::vector<WatchEvent> out;
  // History is ordered by rv: skip from the back to the first newer event.
  auto it = history_.end();
  while (it != history_.begin() && std::prev(it)->rv > after) --it;
  for (; it != history_.end(); ++it) {
    if (it->bucket == bucket) out.push_back(*it);
  }
  return out;
}

void Store::CompactAll() {
  history_.clear();
  compacted_rv_ = rv_;
}

}  // namespace c8s::kubelocal
