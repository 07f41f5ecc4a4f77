// The createRuntime hook gate's client side (the `c8s-oci-hook` binary): read the OCI state from
// stdin and the bundle's full config.json, gather host facts, ask the node agent, and succeed
// only when the agent says "allow". Every failure on the way (bad input, agent unreachable,
// timeout, malformed reply) refuses the container: the runtime aborts it before its process
// runs.
//
//   HookOutcome o = RunOciHook(stdin_text, {.socket = "/run/c8s/hook.sock"});
//   std::cerr << o.message;  return o.allowed ? 0 : 1;
#pragma once

#include <string>
#include <string_view>

#include "absl/time/time.h"

namespace c8s::hook {

inline constexpr char kDefaultHookSocket[] = "/run/c8s/agent/hook.sock";

struct HookOptions {
  std::string socket = kDefaultHookSocket;
  absl::Duration timeout = absl::Seconds(5);
};

struct HookOutcome {
  bool allowed = false;
  std::string message;  // one line for the runtime's error output
};

HookOutcome RunOciHook(std::string_view state_json, const HookOptions& options);

}  // namespace c8s::hook
