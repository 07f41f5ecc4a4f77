// Manifest compilation: the c8s.dev custom resources -> one manifest::Manifest
// (../shared/MANIFEST.md). Pure and deterministic: the same objects give byte-identical
// canonical JSON whatever order they arrive in (sets are sorted by manifest::Normalize, maps
// are keyed). A CR that cannot be compiled is reported in `rejected` (for its status) and left
// out instead of failing the whole manifest.
//
//   CompileInputs in{.cluster = ccl, .policies = aps, .identities = wids};
//   ASSIGN_OR_RETURN(Compiled out, CompileManifest(in));
//   Propose(out.canonical, out.hash);
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "lib/manifest/model.h"
#include "nlohmann/json.hpp"

namespace c8s::op {

struct CompileInputs {
  nlohmann::json cluster;                  // the ConfidentialCluster
  std::vector<nlohmann::json> policies;    // AttestationPolicy objects
  std::vector<nlohmann::json> identities;  // WorkloadIdentity objects
  std::vector<nlohmann::json> secrets;     // SecretRelease objects
  std::vector<nlohmann::json> ingresses;   // ConfidentialIngress objects
};

struct Rejection {
  std::string kind;
  std::string ref;  // "name" or "namespace/name"
  std::string message;
};

struct Compiled {
  manifest::Manifest manifest;
  std::string canonical;  // RFC 8785 bytes
  std::string hash;       // "sha256:<hex>"
  std::vector<Rejection> rejected;
};

// Fails when no valid manifest results (no cluster, a role without a policy, ...).
absl::StatusOr<Compiled> CompileManifest(const CompileInputs& inputs);

}  // namespace c8s::op
