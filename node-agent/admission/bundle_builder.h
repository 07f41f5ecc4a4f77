// Builds policy bundles and bootstrap lists in code, for tests, the NRI test driver and
// c8s-bench-nri (production bundles come from the CDS, signed).
//
//   manifest::PolicyBundle b = BundleBuilder(7).Identity("shop/api", {{"app", "api"}},
//                                                        {Image("ghcr.io/acme/api", 1)}).Build();
#pragma once

#include <cstdio>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "lib/manifest/bundle.h"

namespace c8s::admission {

// "<repo>@sha256:<64 hex of n>": distinct digests for distinct n.
inline std::string TestDigest(uint64_t n) {
  char hex[65];
  std::snprintf(hex, sizeof hex, "%064llx", static_cast<unsigned long long>(n));
  return std::string("sha256:") + hex;
}
inline manifest::Container Image(const std::string& repo, uint64_t n) {
  return manifest::Container{repo + "@" + TestDigest(n), std::nullopt, std::nullopt};
}

inline manifest::BundleIdentity MakeIdentity(std::string ref,
                                             std::map<std::string, std::string> labels,
                                             std::vector<manifest::Container> containers) {
  manifest::BundleIdentity id;
  id.ref = std::move(ref);
  id.selector.labels = std::move(labels);
  id.containers = std::move(containers);
  return id;
}

class BundleBuilder {
 public:
  explicit BundleBuilder(int64_t generation) {
    bundle_.generation = generation;
    bundle_.manifest_hash = "sha256:" + std::string(64, '0');
    bundle_.issued_at = "2026-11-22T10:00:00Z";
    bundle_.trust_domain = "prod.example.com";
  }
  BundleBuilder& Identity(std::string ref, std::map<std::string, std::string> labels,
                          std::vector<manifest::Container> containers) {
    bundle_.identities.push_back(
        MakeIdentity(std::move(ref), std::move(labels), std::move(containers)));
    return *this;
  }
  BundleBuilder& Add(manifest::BundleIdentity id) {
    bundle_.identities.push_back(std::move(id));
    return *this;
  }
  manifest::PolicyBundle Build() const { return bundle_; }

 private:
  manifest::PolicyBundle bundle_;
};

}  // namespace c8s::admission
