#include "operator/caches.h"

#include "absl/time/clock.h"

namespace c8s::op {

Caches::Caches(kube::Client* client, kube::InformerOptions options) {
  for (Kind k : kAllKinds) {
    kinds_[k] = std::make_unique<kube::Informer>(client, KindResource(k), options);
  }
  kube::InformerOptions owned = options;
  owned.label_selector = std::string(kManagedByLabel) + "=" + kManagedByValue;
  for (const kube::Resource& r : kOwnedResources) {
    owned_[r.ApiVersion() + "/" + r.resource] = std::make_unique<kube::Informer>(client, r, owned);
    owned_resources_.push_back(r);
  }
}

std::vector<kube::Informer*> Caches::All() {
  std::vector<kube::Informer*> out;
  for (auto& [k, inf] : kinds_) out.push_back(inf.get());
  for (auto& [k, inf] : owned_) out.push_back(inf.get());
  return out;
}

void Caches::Start() {
  for (kube::Informer* inf : All()) inf->Start();
}

void Caches::Stop() {
  for (kube::Informer* inf : All()) inf->Stop();
}

bool Caches::WaitForSync(absl::Duration timeout) {
  absl::Time end = absl::Now() + timeout;
  for (kube::Informer* inf : All()) {
    if (!inf->WaitForSync(std::max(end - absl::Now(), absl::ZeroDuration()))) return false;
  }
  return true;
}

std::vector<std::pair<kube::Resource, nlohmann::json>> Caches::OwnedBy(
    const std::string& uid) const {
  std::vector<std::pair<kube::Resource, nlohmann::json>> out;
  for (const kube::Resource& r : owned_resources_) {
    for (nlohmann::json& obj : owned_.at(r.ApiVersion() + "/" + r.resource)->ByOwner(uid)) {
      out.emplace_back(r, std::move(obj));
    }
  }
  return out;
}

}  // namespace c8s::op
