// `c8s-node-agent nri`: the NRI image-policy plugin alone; `nri install`: write it into
// containerd's plugin directory as a pre-launched plugin, checking the NN-name file names.
#include <fcntl.h>
#include <unistd.h>

#include <climits>
#include <cstdlib>
#include <memory>
#include <string>

#include "lib/base/fd.h"
#include "lib/base/log.h"
#include "lib/base/signals.h"
#include "lib/base/status.h"
#include "lib/base/strings.h"
#include "node-agent/cli/app.h"
#include "node-agent/cli/command.h"
// image_resolver.h only declares; its definition is in c8s_nri_grpc (gRPC builds).
#include "node-agent/nri/image_resolver.h"
#include "node-agent/nri/install.h"
#include "node-agent/nri/standalone.h"

namespace c8s::node_agent {
namespace {

struct NriFlags {
  nri::StandaloneOptions run;
  int resolve_timeout_ms = 500;
  std::string log_file;
  std::string log_level = "info";
  std::string plugin_dir = std::string(nri::kDefaultPluginDir);
  std::string file_name = "05-c8s-image-policy";
  std::string agent_path;
};

absl::StatusOr<std::unique_ptr<admission::ImageResolver>> MakeResolver(const std::string& path) {
#ifdef C8S_NODE_AGENT_WITH_GRPC
  return nri::NewContainerdImageResolver(path);
#else
  return absl::UnimplementedError(
      StrCat("cannot use --containerd-address ", path, ": built without gRPC (C8S_WITH_GRPC=OFF)"));
#endif
}

absl::Status SetUpLogging(const NriFlags& f) {
  log::SetComponent("c8s-node-agent-nri");
  ASSIGN_OR_RETURN(log::Level level, log::ParseLevel(f.log_level));
  log::SetMinLevel(level);
  if (f.log_file.empty()) return absl::OkStatus();
  // Pre-launched plugins get /dev/null as stderr: a file is the only place logs can go.
  int fd = ::open(f.log_file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
  if (fd < 0) return ErrnoStatus(StrCat("open ", f.log_file), errno);
  auto file = std::make_shared<UniqueFd>(fd);
  log::SetSink([file](std::string_view line) { (void)WriteAll(file->get(), line); });
  return absl::OkStatus();
}

absl::StatusOr<std::string> Absolute(const std::string& path, const char* flag) {
  if (path.empty()) return absl::InvalidArgumentError(StrCat(flag, " is required"));
  char resolved[PATH_MAX];
  if (::realpath(path.c_str(), resolved) == nullptr) {
    return ErrnoStatus(StrCat(flag, " ", path), errno);
  }
  return std::string(resolved);
}

absl::Status RunInstall(const NriFlags& f) {
  nri::InstallOptions o;
  o.plugin_dir = f.plugin_dir;
  o.file_name = f.file_name;
  std::string agent = f.agent_path;
  if (agent.empty()) {
    char self[PATH_MAX];
    ssize_t n = ::readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0) return ErrnoStatus("readlink /proc/self/exe", errno);
    agent.assign(self, static_cast<size_t>(n));
  }
  ASSIGN_OR_RETURN(std::string bundle, Absolute(f.run.policy_bundle, "--policy-bundle"));
  ASSIGN_OR_RETURN(std::string ca, Absolute(f.run.ca_cert, "--ca"));
  o.command = {agent, "nri", "--policy-bundle", bundle, "--ca", ca};
  if (!f.run.containerd_address.empty()) {
    o.command.insert(o.command.end(), {"--containerd-address", f.run.containerd_address});
  }
  if (!f.run.bootstrap.empty()) {
    ASSIGN_OR_RETURN(std::string bootstrap, Absolute(f.run.bootstrap, "--bootstrap"));
    o.command.insert(o.command.end(), {"--bootstrap", bootstrap});
  }
  if (!f.run.trust_domain.empty()) {
    o.command.insert(o.command.end(), {"--trust-domain", f.run.trust_domain});
  }
  if (!f.log_file.empty()) o.command.insert(o.command.end(), {"--log-file", f.log_file});
  return nri::InstallPlugin(o);
}

void AddPolicyOptions(CLI::App* cmd, NriFlags& f) {
  cmd->add_option("--policy-bundle", f.run.policy_bundle, "Signed node policy bundle (JSON)");
  cmd->add_option("--ca", f.run.ca_cert, "Cluster CA certificate (PEM) that signed the bundle");
  cmd->add_option("--trust-domain", f.run.trust_domain,
                  "Refuse a bundle for another trust domain (default: the bundle's own)");
  cmd->add_option("--bootstrap", f.run.bootstrap, "Bootstrap allow-list (JSON) admitted as well");
  cmd->add_option("--containerd-address", f.run.containerd_address,
                  "containerd gRPC socket to resolve tag references (e.g. " +
                      std::string(nri::kDefaultContainerdAddress) +
                      "); without it they are refused");
  cmd->add_option("--log-file", f.log_file,
                  "Append logs here (pre-launched plugins have no stderr)");
}

}  // namespace

void RegisterNriCommands(CLI::App& app, CommandContext& ctx) {
  auto f = std::make_shared<NriFlags>();
  CLI::App* nri = app.add_subcommand(
      "nri",
      "Run only the NRI image-policy plugin, enforcing a local signed bundle. Without --socket it "
      "expects to be pre-launched by containerd (socket on fd NRI_PLUGIN_SOCKET)");
  nri->add_option("--socket", f->run.socket,
                  "Connect to this NRI socket (e.g. " + std::string(nri::kDefaultSocketPath) +
                      ") and reconnect with backoff");
  AddPolicyOptions(nri, *f);
  nri->add_option("--resolve-timeout-ms", f->resolve_timeout_ms,
                  "Hard deadline for a containerd image lookup; past it the container is refused")
      ->capture_default_str()
      ->check(CLI::Range(1, 1900));
  nri->add_option("--plugin-name", f->run.plugin_name, "RegisterPlugin name (external mode)");
  nri->add_option("--plugin-index", f->run.plugin_index, "RegisterPlugin index, two digits");
  nri->add_option("--log-level", f->log_level, "debug, info, warn or error")->capture_default_str();

  CLI::App* install = nri->add_subcommand(
      "install",
      "Write the plugin into containerd's plugin directory as NN-name (checked: a bad "
      "name breaks all of CRI)");
  install->add_option("--plugin-dir", f->plugin_dir, "containerd's NRI plugin_path")
      ->capture_default_str();
  install->add_option("--name", f->file_name, "File name, NN-name")->capture_default_str();
  install->add_option("--agent", f->agent_path, "Absolute path of c8s-node-agent (default: self)");
  AddPolicyOptions(install, *f);
  install->callback([f, &ctx] {
    absl::Status st = RunInstall(*f);
    if (!st.ok()) {
      ctx.err << "c8s-node-agent nri install: " << StatusText(st) << "\n";
      ctx.exit_code =
          absl::IsInvalidArgument(st) || absl::IsFailedPrecondition(st) ? kExitUsage : kExitFailed;
      return;
    }
    ctx.out << "installed " << f->plugin_dir << "/" << f->file_name << "\n";
  });

  nri->callback([nri, install, f, &ctx] {
    if (install->parsed()) return;
    absl::Status st = SetUpLogging(*f);
    if (st.ok()) {
      f->run.resolve_deadline = absl::Milliseconds(f->resolve_timeout_ms);
      ShutdownSignal shutdown;
      st = nri::RunStandalone(f->run, &MakeResolver, shutdown);
    }
    if (!st.ok()) {
      ctx.err << "c8s-node-agent nri: " << StatusText(st) << "\n";
      log::Error("nri: plugin failed", {{"reason", StatusText(st)}});
      ctx.exit_code =
          absl::IsInvalidArgument(st) || absl::IsNotFound(st) ? kExitUsage : kExitFailed;
    }
    (void)nri;
  });
}

}  // namespace c8s::node_agent
