// Runs the NRI plugin in either connection mode (nri-protocol.md §3):
//  - pre-launched: containerd started us from its plugin directory with the socket on fd
//    NRI_PLUGIN_SOCKET (3) and our name/index in NRI_PLUGIN_NAME / NRI_PLUGIN_IDX; one
//    connection, and when it ends we exit (containerd never reuses a pre-launched plugin);
//  - external: connect to the runtime's socket (/var/run/nri/nri.sock), and reconnect with
//    backoff whenever the connection fails or ends (containerd restarts drop every plugin).
//
//   ASSIGN_OR_RETURN(RunnerOptions opts, PreLaunchedFromEnvironment(std::getenv));
//   PluginRunner runner(opts, decider, store);
//   std::thread t([&] { status = runner.Run(); });  ...  runner.Stop();
#pragma once

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "lib/base/backoff.h"
#include "node-agent/nri/plugin.h"

namespace c8s::nri {

inline constexpr std::string_view kDefaultSocketPath = "/var/run/nri/nri.sock";

enum class Mode { kPreLaunched, kExternal };

struct RunnerOptions {
  Mode mode = Mode::kExternal;
  std::string socket_path = std::string(kDefaultSocketPath);  // external
  int socket_fd = -1;                                         // pre-launched
  PluginOptions plugin;
  BackoffOptions backoff{.initial = absl::Milliseconds(200), .max = absl::Seconds(10)};
};

// Reads NRI_PLUGIN_SOCKET / NRI_PLUGIN_NAME / NRI_PLUGIN_IDX (`getenv` is injectable for
// tests). NOT_FOUND when NRI_PLUGIN_SOCKET is unset (we were not started by containerd);
// INVALID_ARGUMENT for a malformed value or an fd that is not a socket.
absl::StatusOr<RunnerOptions> PreLaunchedFromEnvironment(
    const std::function<const char*(const char*)>& getenv);

class PluginRunner {
 public:
  PluginRunner(RunnerOptions options, admission::Decider& decider,
               admission::AdmissionStore& store);

  // Blocks. Pre-launched: until the connection ends (OK once it had been configured or after
  // Stop(), else why it failed). External: until Stop(), reconnecting as needed.
  absl::Status Run();
  void Stop();
  // True while a connection is registered and configured (readiness).
  bool connected() const;
  int connections() const;

 private:
  absl::Status Serve(UniqueFd fd, bool* configured = nullptr);
  // Sleeps for `d` unless Stop() comes first; returns false when stopping.
  bool Sleep(absl::Duration d);

  RunnerOptions options_;
  admission::Decider& decider_;
  admission::AdmissionStore& store_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  PluginConnection* current_ = nullptr;
  int connections_ = 0;
};

}  // namespace c8s::nri
