// The informer caches the reconcilers gather from: one per c8s kind and one per owned built-in
// kind (those select on the managed-by label, so only c8s's own objects are cached).
//
//   Caches caches(client.get());
//   caches.Start();  caches.WaitForSync(absl::Seconds(30));
//   for (const json& wid : caches.Of(Kind::kIdentity).List()) ...;
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "lib/kube/informer.h"
#include "operator/resources.h"

namespace c8s::op {

class Caches {
 public:
  explicit Caches(kube::Client* client, kube::InformerOptions options = {});
  void Start();
  void Stop();
  bool WaitForSync(absl::Duration timeout);

  kube::Informer& Of(Kind kind) { return *kinds_.at(kind); }
  // The cache of an owned resource (one of kOwnedResources).
  kube::Informer& Owned(const kube::Resource& r) {
    return *owned_.at(r.ApiVersion() + "/" + r.resource);
  }
  // Every cached owned object whose ownerReferences name `uid`, with its resource.
  std::vector<std::pair<kube::Resource, nlohmann::json>> OwnedBy(const std::string& uid) const;
  std::vector<kube::Informer*> All();

 private:
  std::map<Kind, std::unique_ptr<kube::Informer>> kinds_;
  std::map<std::string, std::unique_ptr<kube::Informer>> owned_;
  std::vector<kube::Resource> owned_resources_;
};

}  // namespace c8s::op
