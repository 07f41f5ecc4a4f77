#include "node-agent/nri/standalone.h"

#include <cstdlib>
#include <thread>

#include "lib/base/fd.h"
#include "lib/base/log.h"
#include "lib/base/status.h"
#include "lib/base/strings.h"
#include "node-agent/admission/bootstrap.h"
#include "node-agent/admission/fixed_policy.h"

namespace c8s::nri {

absl::Status RunStandalone(const StandaloneOptions& o, const ResolverFactory& resolvers,
                           ShutdownSignal& shutdown) {
  if (o.policy_bundle.empty() || o.ca_cert.empty()) {
    return absl::InvalidArgumentError("--policy-bundle and --ca are required");
  }
  if (!o.plugin_index.empty()) {
    // containerd refuses anything but two ASCII digits (CheckPluginIndex, note §3.2 step 4).
    auto digit = [](char c) { return c >= '0' && c <= '9'; };
    if (o.plugin_index.size() != 2 || !digit(o.plugin_index[0]) || !digit(o.plugin_index[1])) {
      return absl::InvalidArgumentError(
          StrCat("--plugin-index \"", o.plugin_index, "\" is not two digits"));
    }
  }
  ASSIGN_OR_RETURN(manifest::PolicyBundle bundle,
                   admission::LoadVerifiedBundle(o.policy_bundle, o.ca_cert, o.trust_domain));
  log::Info("nri: enforcing a verified policy bundle",
            {{"bundle", o.policy_bundle},
             {"policy_generation", bundle.generation},
             {"manifest", bundle.manifest_hash},
             {"trust_domain", bundle.trust_domain},
             {"approval", std::string(manifest::ApprovalModeName(bundle.approval))},
             {"identities", bundle.identities.size()}});
  if (bundle.approval == manifest::ApprovalMode::kAutomatic) {
    log::Warn("nri: the bundle comes from an Automatic-approval manifest (development only)",
              {{"policy_generation", bundle.generation}});
  }
  admission::BootstrapAllowList bootstrap;
  if (!o.bootstrap.empty()) {
    ASSIGN_OR_RETURN(std::string text, ReadFile(o.bootstrap, 16 << 20));
    absl::StatusOr<admission::BootstrapAllowList> parsed =
        admission::ParseBootstrapAllowListText(text);
    if (!parsed.ok()) return Annotate(parsed.status(), o.bootstrap);
    bootstrap = *std::move(parsed);
  }
  std::unique_ptr<admission::ImageResolver> resolver;
  if (!o.containerd_address.empty()) {
    ASSIGN_OR_RETURN(resolver, resolvers(o.containerd_address));
  } else {
    log::Warn(
        "nri: no --containerd-address: containers whose image is not a digest reference "
        "are refused");
  }
  RunnerOptions runner_options;
  if (o.socket.empty()) {
    ASSIGN_OR_RETURN(runner_options, PreLaunchedFromEnvironment(&std::getenv));
  } else {
    runner_options.mode = Mode::kExternal;
    runner_options.socket_path = o.socket;
  }
  if (!o.plugin_name.empty()) runner_options.plugin.name = o.plugin_name;
  if (!o.plugin_index.empty()) runner_options.plugin.index = o.plugin_index;

  admission::FixedPolicy policy(std::make_shared<const manifest::PolicyBundle>(std::move(bundle)));
  admission::Decider decider(policy, std::move(bootstrap), resolver.get(),
                             {.resolve_deadline = o.resolve_deadline});
  admission::AdmissionStore store;
  PluginRunner runner(runner_options, decider, store);
  absl::Status result;
  std::thread serve([&] {
    result = runner.Run();
    shutdown.Trigger();  // a pre-launched plugin ends with its connection
  });
  shutdown.Wait();
  runner.Stop();
  serve.join();
  log::Info("nri: plugin stopped", {{"signal", shutdown.signal_number()},
                                    {"reason", result.ok() ? "stopped" : StatusText(result)}});
  return result;
}

}  // namespace c8s::nri
