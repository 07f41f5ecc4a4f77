// The policy this node enforces: the newest CDS-signed bundle it has verified against the pinned
// CA, persisted (with that CA) in a tmpfs directory inside the CVM so that a restarted agent
// enforces it at once, before it reaches the CDS. Bundles with a bad signature, another trust
// domain or a lower generation than the one enforced (rollback) are refused; the enforced one
// stays. Until a bundle is verified, Current() is null and only the bootstrap allow-list admits.
//
//   ASSIGN_OR_RETURN(auto store, PolicyStore::Open({.state_dir = "/run/c8s/agent",
//                                                   .trust_domain = "prod.example.com"}));
//   RETURN_IF_ERROR(store->PinCa(verified_ca));
//   ASSIGN_OR_RETURN(bool changed, store->Offer(signed_json));
//   std::shared_ptr<const manifest::PolicyBundle> b = store->Current();
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "lib/crypto/x509.h"
#include "lib/manifest/bundle.h"
#include "node-agent/admission/admission_store.h"

namespace c8s::agent {

struct PolicyStoreOptions {
  std::string state_dir;  // created 0700; tmpfs expected (a warning otherwise)
  std::string trust_domain;
};

// What a listener sees when a bundle becomes the enforced one.
struct EnforcedPolicy {
  std::shared_ptr<const manifest::PolicyBundle> bundle;
  std::string signed_json;
  bool restored = false;  // loaded from the state directory at start
};

class PolicyStore : public admission::PolicyView {
 public:
  static absl::StatusOr<std::unique_ptr<PolicyStore>> Open(PolicyStoreOptions options);

  // Restores the persisted CA and bundle (the bundle is verified again). OK with nothing
  // persisted; an error when the files exist but do not verify (they are then ignored).
  absl::Status LoadPersisted();

  // Pins the CA the trust anchor verified. Pinning a different CA than the one already pinned
  // (persisted from an earlier run) is refused: bundles of another cluster must not replace
  // this one's.
  absl::Status PinCa(const crypto::Certificate& ca);
  std::optional<crypto::Certificate> pinned_ca() const;

  // Verifies `signed_json` and, if it is newer or differs at the same generation, enforces and
  // persists it. Returns true when the enforced policy changed.
  absl::StatusOr<bool> Offer(std::string_view signed_json);

  std::shared_ptr<const manifest::PolicyBundle> Current() const override;
  int64_t generation() const;  // 0 before the first verified bundle
  const std::string& trust_domain() const { return options_.trust_domain; }

  // Called (without the store's lock) after each change of the enforced bundle.
  void AddListener(std::function<void(const EnforcedPolicy&)> listener);

 private:
  explicit PolicyStore(PolicyStoreOptions o) : options_(std::move(o)) {}
  std::string CaPath() const { return options_.state_dir + "/ca.pem"; }
  std::string BundlePath() const { return options_.state_dir + "/bundle.json"; }
  absl::StatusOr<bool> Enforce(std::string_view signed_json, bool restored);

  PolicyStoreOptions options_;
  mutable std::mutex mu_;
  std::optional<crypto::Certificate> ca_;
  std::shared_ptr<const manifest::PolicyBundle> current_;
  std::string current_json_;
  std::vector<std::function<void(const EnforcedPolicy&)>> listeners_;
};

}  // namespace c8s::agent
