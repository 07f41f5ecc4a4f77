#include "lib/kube/informer.h"

#include "lib/base/log.h"
#include "lib/kube/errors.h"
#include "lib/kube/json_util.h"

namespace c8s::kube {

std::string ObjectKey(const json& obj) {
  if (!obj.is_object() || !obj.contains("metadata")) return "";
  const json& md = obj["metadata"];
  std::string ns = GetString(md, "namespace");
  return ns.empty() ? GetString(md, "name") : ns + "/" + GetString(md, "name");
}

Informer::Informer(Client* client, Resource resource, InformerOptions options)
    : client_(client), resource_(std::move(resource)), options_(std::move(options)) {}

Informer::~Informer() { Stop(); }

void Informer::AddHandlers(EventHandlers handlers) { handlers_.push_back(std::move(handlers)); }

void Informer::Start() {
  thread_ = std::thread([this] { Run(); });
}

void Informer::Stop() {
  stop_ = true;
  canceller_.Cancel();
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

bool Informer::WaitForSync(absl::Duration timeout) {
  std::unique_lock<std::mutex> lock(mu_);
  return cv_.wait_for(lock, absl::ToChronoMilliseconds(timeout), [&] { return synced_; });
}

bool Informer::SleepFor(absl::Duration d) {
  std::unique_lock<std::mutex> lock(mu_);
  return !cv_.wait_for(lock, absl::ToChronoMilliseconds(d), [&] { return stop_.load(); });
}

void Informer::IndexLocked(const std::string& key, const json& obj, bool add) {
  auto update = [&](std::map<std::string, std::set<std::string>>& index, const std::string& v) {
    if (add) {
      index[v].insert(key);
    } else if (auto it = index.find(v); it != index.end()) {
      it->second.erase(key);
      if (it->second.empty()) index.erase(it);
    }
  };
  if (!obj.contains("metadata") || !obj["metadata"].is_object()) return;
  const json& md = obj["metadata"];
  update(by_ns_, md.value("namespace", ""));
  if (md.contains("ownerReferences") && md["ownerReferences"].is_array()) {
    for (const json& ref : md["ownerReferences"]) {
      if (ref.is_object()) update(by_owner_, ref.value("uid", ""));
    }
  }
  if (md.contains("labels") && md["labels"].is_object()) {
    for (auto it = md["labels"].begin(); it != md["labels"].end(); ++it) {
      if (it->is_string()) update(by_label_, it.key() + "=" + it->get<std::string>());
    }
  }
}

void Informer::Apply(const std::string& type, const json& obj) {
  std::string key = ObjectKey(obj);
  std::shared_ptr<const json> old, now;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (obj.contains("metadata")) rv_ = GetString(obj["metadata"], "resourceVersion", rv_);
    if (type == "BOOKMARK") return;
    if (auto it = cache_.find(key); it != cache_.end()) {
      old = std::move(it->second);
      IndexLocked(key, *old, false);
      cache_.erase(it);
    }
    if (type != "DELETED") {
      now = std::make_shared<const json>(obj);
      cache_[key] = now;
      IndexLocked(key, *now, true);
    }
  }
  for (const EventHandlers& h : handlers_) {
    if (type == "DELETED") {
      if (h.on_delete) h.on_delete(old ? *old : obj);
    } else if (old) {
      if (h.on_update) h.on_update(*old, *now);
    } else if (h.on_add) {
      h.on_add(*now);
    }
  }
}

absl::Status Informer::Relist() {
  ListOptions lo;
  lo.label_selector = options_.label_selector;
  lo.limit = 500;
  absl::StatusOr<json> list = client_->ListAll(resource_, options_.ns, lo);
  if (!list.ok()) return list.status();
  std::map<std::string, json> fresh;
  for (const auto& item : (*list)["items"]) fresh[ObjectKey(item)] = item;
  std::vector<std::shared_ptr<const json>> gone;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& [key, obj] : cache_) {
      if (!fresh.count(key)) gone.push_back(obj);
    }
  }
  for (const auto& obj : gone) Apply("DELETED", *obj);
  for (const auto& [key, obj] : fresh) {
    std::shared_ptr<const json> cur;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (auto it = cache_.find(key); it != cache_.end()) cur = it->second;
    }
    if (!cur || *cur != obj) Apply(cur ? "MODIFIED" : "ADDED", obj);
  }
  std::lock_guard<std::mutex> lock(mu_);
  rv_ = (*list)["metadata"].value("resourceVersion", "");
  synced_ = true;
  cv_.notify_all();
  return absl::OkStatus();
}

void Informer::Run() {
  Backoff backoff(options_.backoff);
  bool need_list = true;
  bool first_list = true;
  while (!stop_) {
    if (need_list) {
      if (absl::Status s = Relist(); !s.ok()) {
        log::Warn("informer list failed",
                  {{"resource", resource_.resource}, {"error", std::string(s.message())}});
        if (!SleepFor(backoff.Next())) return;
        continue;
      }
      if (!first_list) ++relists_;
      first_list = false;
      need_list = false;
    }
    WatchOptions wo;
    wo.resource_version = last_resource_version();
    wo.timeout_seconds = options_.watch_timeout_seconds;
    wo.label_selector = options_.label_selector;
    wo.cancel = &stop_;
    wo.canceller = &canceller_;
    absl::Status s = client_->Watch(resource_, options_.ns, wo, [&](const WatchEvent& ev) {
      backoff.Reset();
      Apply(ev.type, ev.object);
      return !stop_.load();
    });
    if (stop_) return;
    if (IsGone(s)) {
      need_list = true;  // our resourceVersion left the server's history: start over
      continue;
    }
    if (!s.ok()) {
      ++reconnects_;
      if (!SleepFor(backoff.Next())) return;
    }
  }
}

std::optional<json> Informer::Get(const std::string& key) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = cache_.find(key);
  if (it == cache_.end()) return std::nullopt;
  return *it->second;
}

std::vector<json> Informer::List() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<json> out;
  for (const auto& [k, v] : cache_) out.push_back(*v);
  return out;
}

std::vector<std::shared_ptr<const json>> Informer::Snapshot() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::shared_ptr<const json>> out;
  out.reserve(cache_.size());
  for (const auto& [k, v] : cache_) out.push_back(v);
  return out;
}

std::vector<json> Informer::Lookup(const std::map<std::string, std::set<std::string>>& index,
                                   const std::string& value) const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<json> out;
  auto it = index.find(value);
  if (it == index.end()) return out;
  for (const std::string& key : it->second) out.push_back(*cache_.at(key));
  return out;
}

std::vector<json> Informer::ByNamespace(const std::string& ns) const { return Lookup(by_ns_, ns); }
std::vector<json> Informer::ByOwner(const std::string& uid) const { return Lookup(by_owner_, uid); }
std::vector<json> Informer::ByLabel(const std::string& key, const std::string& value) const {
  return Lookup(by_label_, key + "=" + value);
}

std::string Informer::last_resource_version() const {
  std::lock_guard<std::mutex> lock(mu_);
  return rv_;
}

}  // namespace c8s::kube
