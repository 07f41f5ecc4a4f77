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

#include <memory>
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

// The same in two steps, for callers that keep converted entries between compiles (the
// operator converts an object once per generation, not once per compile):
// 1. One CR's manifest entry, read from its metadata and spec (pure, never fails: what the
//    manifest rules refuse is found by step 2).
manifest::Identity IdentityEntry(const nlohmann::json& workload_identity);
manifest::Secret SecretEntry(const nlohmann::json& secret_release);
manifest::Ingress IngressEntry(const nlohmann::json& confidential_ingress);
// 2. Assemble, validate (per-object rejection as above), canonicalize and hash.
struct CompileParts {
  nlohmann::json cluster;
  std::vector<nlohmann::json> policies;
  std::vector<std::shared_ptr<const manifest::Identity>> identities;
  std::vector<std::shared_ptr<const manifest::Secret>> secrets;
  std::vector<std::shared_ptr<const manifest::Ingress>> ingresses;
};
absl::StatusOr<Compiled> CompileFromParts(const CompileParts& parts);

}  // namespace c8s::op
