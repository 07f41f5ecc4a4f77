// A PolicyView over one bundle verified at start-up, for `c8s-node-agent nri --policy-bundle
// FILE --ca CERT` (nodes where the agent's Policy.Watch is not running) and for tests.
//
//   ASSIGN_OR_RETURN(manifest::PolicyBundle b, LoadVerifiedBundle(path, ca_pem_path, ""));
//   FixedPolicy policy(std::make_shared<const manifest::PolicyBundle>(std::move(b)));
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "lib/manifest/bundle.h"
#include "node-agent/admission/admission_store.h"

namespace c8s::admission {

class FixedPolicy : public PolicyView {
 public:
  explicit FixedPolicy(std::shared_ptr<const manifest::PolicyBundle> bundle)
      : bundle_(std::move(bundle)) {}
  std::shared_ptr<const manifest::PolicyBundle> Current() const override { return bundle_; }

 private:
  std::shared_ptr<const manifest::PolicyBundle> bundle_;
};

// Reads a signed bundle (the JSON SignBundle writes) and verifies it with the public key of
// the CA certificate in `ca_cert_path` (PEM). `trust_domain` empty: the bundle's own (the CA
// key is the anchor; pass the node's domain where it is known).
absl::StatusOr<manifest::PolicyBundle> LoadVerifiedBundle(const std::string& bundle_path,
                                                          const std::string& ca_cert_path,
                                                          std::string_view trust_domain);

}  // namespace c8s::admission
