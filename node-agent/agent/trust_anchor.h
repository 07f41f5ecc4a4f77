// Where the CA that every CDS answer is checked against comes from. The production anchor
// attests the CDS (c8s/cds/v1 evidence against the CDS reference values of the agent's measured
// configuration) and pins the CA that evidence is bound to; a CA file from the configuration is
// the development shortcut and is logged as such.
//
//   std::unique_ptr<TrustAnchor> anchor =
//       AttestedCdsAnchor({"10.0.0.5:7443", reference_values, {}, client::ConnectCds});
//   ASSIGN_OR_RETURN(crypto::Certificate ca, anchor->Obtain());
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "client/sdk/cds_client.h"
#include "client/sdk/reference_values.h"
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

struct AttestedCdsOptions {
  std::string target;                    // host:port of the CDS
  client::CdsReferenceValues reference;  // from the agent's measured configuration
  std::vector<Bytes> simulated_roots;    // roots of simulated evidence (tests, development)
  client::CdsConnector connect;          // client::ConnectCds in the daemon
};

// Connects without a pin, asks for c8s/cds/v1 evidence on a fresh nonce and verifies it with
// client::VerifyCds (vendor chain, report data, reference values, image, and that this TLS
// connection's server certificate comes from the attested CA); the CA is that attested one.
std::unique_ptr<TrustAnchor> AttestedCdsAnchor(AttestedCdsOptions options);

}  // namespace c8s::agent
