#include "node-agent/admission/decision_index.h"

namespace c8s::admission {
namespace {

void Add(Decider::Index& index, const manifest::BundleIdentity& id, int64_t generation) {
  Candidate c;
  c.identity = &id;
  c.generation = generation;
  for (const manifest::Container& container : id.containers) {
    std::string_view image = container.image;
    size_t at = image.find('@');
    // Parsed bundles only hold registry/repo@sha256:<hex> (manifest::CheckImage).
    if (at == std::string_view::npos) continue;
    c.by_digest.emplace(image.substr(at + 1), &container);
  }
  std::string ns = id.ref.substr(0, id.ref.find('/'));
  index.by_namespace[ns].push_back(std::move(c));
}

}  // namespace

std::shared_ptr<const Decider::Index> BuildIndex(
    std::shared_ptr<const manifest::PolicyBundle> bundle, const BootstrapAllowList& bootstrap) {
  auto index = std::make_shared<Decider::Index>();
  index->bundle = std::move(bundle);
  if (index->bundle) {
    for (const manifest::BundleIdentity& id : index->bundle->identities) {
      Add(*index, id, index->bundle->generation);
    }
  }
  for (const manifest::BundleIdentity& id : bootstrap.entries) Add(*index, id, 0);
  return index;
}

}  // namespace c8s::admission
