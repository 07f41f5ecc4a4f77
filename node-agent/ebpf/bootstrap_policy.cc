#include "node-agent/ebpf/bootstrap_policy.h"

#include "lib/base/status.h"
#include "lib/base/strings.h"
#include "node-agent/ebpf/policy_bundle.h"

namespace c8s::ebpf {

manifest::PolicyBundle BootstrapBundle(const manifest::BundleInfrastructure& infrastructure) {
  manifest::PolicyBundle b;
  b.generation = static_cast<int64_t>(kBootstrapGeneration);
  b.trust_domain = "bootstrap";
  b.infrastructure = infrastructure;
  b.infrastructure.mesh_cidrs.clear();  // nothing is meshed before the mesh is known
  return b;
}

absl::StatusOr<CompiledPolicy> CompileBootstrapPolicy(
    const manifest::BundleInfrastructure& infrastructure, NodeSettings node) {
  auto bundle = FromBundle(BootstrapBundle(infrastructure));
  if (!bundle.ok())
    return absl::InvalidArgumentError(
        StrCat("bootstrap infrastructure (agent configuration): ", bundle.status().message()));
  node.node_name.clear();
  node.redirect = Endpoint{};  // no mesh yet: meshed connects cannot be redirected anywhere
  node.redirect_v6 = IpAddr{6, {}};
  return CompilePolicy(*bundle, node);
}

}  // namespace c8s::ebpf
