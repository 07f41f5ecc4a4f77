// `c8s-node-agent run --config FILE`: the whole node agent (node-agent/agent/grpc_agent.h).
#include <string>

#include "lib/base/fd.h"
#include "lib/base/log.h"
#include "lib/base/signals.h"
#include "lib/base/strings.h"
#include "node-agent/cli/app.h"
#include "node-agent/cli/command.h"

#ifdef C8S_NODE_AGENT_WITH_AGENT
#include "node-agent/agent/config.h"
#include "node-agent/agent/grpc_agent.h"
#endif

namespace c8s::node_agent {

#ifdef C8S_NODE_AGENT_WITH_AGENT

namespace {

struct RunFlags {
  std::string config;
  std::string tee;
  std::string log_level;
  std::string http_port_file;
};

int Run(const RunFlags& f, CommandContext& ctx) {
  ShutdownSignal shutdown;  // before any thread starts, so they inherit the signal mask
  absl::StatusOr<agent::AgentConfig> config = agent::LoadAgentConfig(f.config);
  if (!config.ok()) {
    ctx.err << "c8s-node-agent run: " << StatusText(config.status()) << "\n";
    return kExitUsage;
  }
  if (!f.tee.empty()) {
    absl::StatusOr<agent::TeeMode> mode = agent::ParseTeeMode(f.tee);
    if (!mode.ok()) {
      ctx.err << "c8s-node-agent run: --tee: " << StatusText(mode.status()) << "\n";
      return kExitUsage;
    }
    config->tee = *mode;
    if (*mode != agent::TeeMode::kSimulated) config->simulated_state_file.clear();
    if (*mode == agent::TeeMode::kSimulated && config->simulated_state_file.empty()) {
      ctx.err << "c8s-node-agent run: --tee simulated needs simulatedStateFile in the config\n";
      return kExitUsage;
    }
  }
  std::string level = f.log_level.empty() ? config->log_level : f.log_level;
  absl::StatusOr<log::Level> parsed = log::ParseLevel(level);
  if (!parsed.ok()) {
    ctx.err << "c8s-node-agent run: log level: " << StatusText(parsed.status()) << "\n";
    return kExitUsage;
  }
  log::SetMinLevel(*parsed);
  log::SetComponent("node-agent");
  absl::StatusOr<std::unique_ptr<agent::Agent>> a = agent::Agent::Start(*std::move(config));
  if (!a.ok()) {
    log::Error("node agent failed to start", {{"error", StatusText(a.status())}});
    ctx.err << "c8s-node-agent run: " << StatusText(a.status()) << "\n";
    return kExitFailed;
  }
  if (!f.http_port_file.empty()) {
    absl::Status st = WriteFileAtomic(f.http_port_file, std::to_string((*a)->http_port()), 0644);
    if (!st.ok()) log::Error("http port file not written", {{"error", StatusText(st)}});
  }
  shutdown.Wait();
  log::Info("shutting down", {{"signal", shutdown.signal_number()}});
  (*a)->Stop();
  return kExitOk;
}

}  // namespace

void RegisterRunCommands(CLI::App& app, CommandContext& ctx) {
  auto flags = std::make_shared<RunFlags>();
  CLI::App* run = app.add_subcommand(
      "run",
      "Run the node agent: attested CDS, identity, signed policy, NRI plugin, hook gate, pod "
      "API, eBPF data plane, detectors");
  run->add_option("--config", flags->config, "Agent configuration file (JSON)")
      ->required()
      ->check(CLI::ExistingFile);
  run->add_option("--tee", flags->tee,
                  "Evidence source: auto (configfs-tsm, then /dev/sev-guest), snp, tdx, or "
                  "simulated (development); overrides the config's \"tee\"")
      ->check(CLI::IsMember({"auto", "snp", "tdx", "simulated"}));
  run->add_option("--log-level", flags->log_level, "debug, info, warn, error (default: config)");
  run->add_option("--http-port-file", flags->http_port_file,
                  "Write the bound HTTP port here (with httpListen port 0; tests)");
  run->callback([flags, &ctx] { ctx.exit_code = Run(*flags, ctx); });
}

#else

void RegisterRunCommands(CLI::App& app, CommandContext& ctx) {
  CLI::App* run = app.add_subcommand("run", "Run the node agent (not built: C8S_WITH_GRPC=OFF)");
  run->callback([&ctx] {
    ctx.err << "c8s-node-agent was built without gRPC (C8S_WITH_GRPC=OFF): no agent daemon\n";
    ctx.exit_code = kExitFailed;
  });
}

#endif

}  // namespace c8s::node_agent
