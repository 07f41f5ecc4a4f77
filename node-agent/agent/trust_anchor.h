// Where the CA that every CDS answer is checked against comes from. The production anchor
// attests the CDS (c8s/cds/v1 evidence against the CDS reference values of the agent's measured
// configuration) and pins the CA that evidence is bound to; a CA file from the configuration is
// the development shortcut and is logged as such.
//
//   std::unique_ptr<TrustAnchor> anchor = ConfiguredCaAnchor("/etc/c8s/ca.pem");
//   ASSIGN_OR_RETURN(crypto::Certificate ca, anchor->Obtain());
#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "lib/crypto/x509.h"

namespace c8s::agent {

class TrustAnchor {
 public:
  virtual ~TrustAnchor() = default;
  virtual absl::StatusOr<crypto::Certificate> Obtain() = 0;
  virtual std::string Describe() const = 0;
};

// A CA certificate file named by the configuration, pinned without attesting the CDS.
std::unique_ptr<TrustAnchor> ConfiguredCaAnchor(std::string path);

}  // namespace c8s::agent
