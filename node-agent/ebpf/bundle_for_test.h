// Test-only: node policy bundles for the data-plane tests, built through lib/manifest's model
// so that every fixture is a bundle the CDS could have signed.
//
//   manifest::PolicyBundle b = testing::Bundle(7, {{"shop/api", {Egress("203.0.113.0/24",
//                                                  "TCP", {443})}}});
//   std::string json = testing::BundleJson(b);
#pragma once

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "lib/manifest/bundle.h"

namespace c8s::ebpf::testing {

inline manifest::EgressRule Egress(std::string cidr, std::string protocol,
                                   std::vector<int64_t> ports = {}) {
  manifest::EgressRule r;
  r.cidr = std::move(cidr);
  r.protocol = std::move(protocol);
  r.ports = std::move(ports);
  return r;
}

// node-1 (10.0.0.11) and node-2 (10.0.0.12) with mesh port 15443; CDS 10.0.0.5:7443, API server
// 10.0.0.1:443, DNS `dns`, pods in 10.244.0.0/16.
inline manifest::PolicyBundle Bundle(
    int64_t generation,
    std::vector<std::pair<std::string, std::vector<manifest::EgressRule>>> identities,
    std::string dns = "10.0.0.10:53") {
  manifest::PolicyBundle b;
  b.generation = generation;
  b.manifest_hash = "sha256:" + std::string(64, '0');
  b.issued_at = "2026-11-22T10:00:00Z";
  b.trust_domain = "shop.example";
  for (auto& [ref, egress] : identities) {
    manifest::BundleIdentity id;
    id.ref = ref;
    id.selector.labels = {{"app", ref.substr(ref.find('/') + 1)}};
    manifest::Container c;
    c.image = "registry.example/" + id.selector.labels["app"] + "@sha256:" + std::string(64, 'a');
    id.containers = {c};
    id.egress = std::move(egress);
    std::sort(id.egress.begin(), id.egress.end());  // a set, as lib/manifest keeps it
    b.identities.push_back(std::move(id));
  }
  std::sort(b.identities.begin(), b.identities.end(),
            [](const auto& x, const auto& y) { return x.ref < y.ref; });
  b.nodes = {{"node-1", "10.0.0.11", 15443}, {"node-2", "10.0.0.12", 15443}};
  b.infrastructure.cds = {"10.0.0.5:7443"};
  b.infrastructure.api_server = {"10.0.0.1:443"};
  b.infrastructure.dns = {std::move(dns)};
  b.infrastructure.mesh_cidrs = {"10.244.0.0/16"};
  return b;
}

inline std::string BundleJson(const manifest::PolicyBundle& b) {
  return manifest::ToJson(b).dump();
}

}  // namespace c8s::ebpf::testing
