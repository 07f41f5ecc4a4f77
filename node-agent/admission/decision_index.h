// Lookup tables over one policy bundle plus the bootstrap allow-list (internal to decision.cc):
// identities by namespace, and each identity's containers by image digest, so that a decision
// costs the same with 10 or 10 000 allowed digests.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "lib/manifest/bundle.h"
#include "node-agent/admission/bootstrap.h"
#include "node-agent/admission/decision.h"

namespace c8s::admission {

struct Candidate {
  const manifest::BundleIdentity* identity = nullptr;
  int64_t generation = 0;  // 0 for a bootstrap entry
  std::unordered_multimap<std::string_view, const manifest::Container*> by_digest;
};

struct Decider::Index {
  std::shared_ptr<const manifest::PolicyBundle> bundle;  // may be null
  std::unordered_map<std::string, std::vector<Candidate>> by_namespace;
};

std::shared_ptr<const Decider::Index> BuildIndex(
    std::shared_ptr<const manifest::PolicyBundle> bundle, const BootstrapAllowList& bootstrap);

}  // namespace c8s::admission
