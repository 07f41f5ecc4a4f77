// Test-only helpers for node-agent/agent: a CA that signs policy bundles, bundles with one
// identity, and admission records.
#pragma once

#include <catch2/catch_test_macros.hpp>
#include <string>

#include "absl/time/clock.h"
#include "lib/base/strings.h"
#include "lib/crypto/x509.h"
#include "lib/manifest/bundle.h"
#include "node-agent/admission/admission_store.h"

namespace c8s::agent::testing {

inline constexpr char kImage[] =
    "ghcr.io/acme/api@sha256:1111111111111111111111111111111111111111111111111111111111111111";

inline manifest::BundleIdentity ApiIdentity() {
  manifest::BundleIdentity id;
  id.ref = "shop/api";
  id.selector.labels = {{"app", "api"}};
  manifest::Container c;
  c.image = kImage;
  id.containers = {c};
  return id;
}

class TestCa {
 public:
  TestCa() {
    auto key = crypto::PrivateKey::Generate(crypto::KeyType::kP256);
    REQUIRE(key.ok());
    auto ca = crypto::CertificateAuthority::CreateSelfSigned(
        *key, {"test CA"}, absl::Now() - absl::Hours(1), absl::Now() + absl::Hours(24));
    REQUIRE(ca.ok());
    ca_.emplace(std::move(*ca));
  }
  const crypto::Certificate& cert() const { return ca_->certificate(); }
  manifest::PolicyBundle Bundle(int64_t generation,
                                std::string trust_domain = "prod.example.com") const {
    manifest::PolicyBundle b;
    b.generation = generation;
    b.manifest_hash = "sha256:" + std::string(64, 'a');
    b.issued_at = "2026-11-22T10:00:00Z";
    b.trust_domain = std::move(trust_domain);
    b.identities = {ApiIdentity()};
    return b;
  }
  std::string Sign(const manifest::PolicyBundle& b) const {
    auto s = manifest::SignBundle(b, ca_->key());
    REQUIRE(s.ok());
    return *s;
  }
  // A leaf for `csr` valid from `now` (no backdating) for `lifetime`.
  absl::StatusOr<crypto::Certificate> Issue(const crypto::CertificateRequest& csr,
                                            const std::string& cn, absl::Time now,
                                            absl::Duration lifetime) const {
    crypto::IssueOptions o = crypto::LeafOptions({cn}, now, lifetime, absl::ZeroDuration());
    o.client_auth = true;
    return ca_->IssueForRequest(csr, o);
  }
  std::string SignedBundle(int64_t generation,
                           std::string trust_domain = "prod.example.com") const {
    return Sign(Bundle(generation, std::move(trust_domain)));
  }

 private:
  std::optional<crypto::CertificateAuthority> ca_;
};

inline admission::Admission ApiAdmission(std::string container_id, int64_t generation = 1) {
  admission::Admission a;
  a.container_id = std::move(container_id);
  a.pod_namespace = "shop";
  a.pod_name = "api-0";
  a.pod_uid = "5f0c2b9e-8d1a-4f3e-9b7a-2c4d6e8f0a1b";
  a.container_name = "api";
  a.identity = "shop/api";
  a.image = kImage;
  a.image_digest = std::string(kImage).substr(std::string(kImage).find('@') + 1);
  a.bundle_generation = generation;
  return a;
}

}  // namespace c8s::agent::testing
