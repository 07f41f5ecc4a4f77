// The flags that say what the CDS must be (reference values) and how to check its evidence,
// shared by `c8sctl verify` (c8s/cds/v1) and `c8sctl recover` (c8s/recover/v1): a reference
// file, a manifest's `cds` role, or --measurement/--image flags; simulated roots, AMD and
// Intel collateral.
//
//   ReferenceFlags r;  AddReferenceFlags(cmd, r);
//   ASSIGN_OR_RETURN(client::CdsReferenceValues ref, BuildReference(r));
//   ASSIGN_OR_RETURN(client::VerifyCdsOptions opt, BuildVerifyOptions(r));
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "client/sdk/pod_evidence.h"
#include "client/sdk/reference_values.h"

namespace c8s::cli {

struct ReferenceFlags {
  std::string reference, reference_manifest, assurance, cert_cache, tdx_collateral;
  std::vector<std::string> measurements, images, pod_refs, simulated_roots;
  bool allow_simulated = false;
};

void AddReferenceFlags(CLI::App* cmd, ReferenceFlags& flags);
absl::StatusOr<client::CdsReferenceValues> BuildReference(const ReferenceFlags& flags);
absl::StatusOr<client::VerifyCdsOptions> BuildVerifyOptions(const ReferenceFlags& flags);

}  // namespace c8s::cli
