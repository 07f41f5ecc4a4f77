// c8s-oci-hook: the OCI createRuntime hook gate (node-agent/hook/hook_client.h).
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <iostream>
#include <iterator>
#include <string>

#include "node-agent/hook/hook_client.h"
#include "node-agent/hook/oci_json.h"

int main(int argc, char** argv) {
  c8s::hook::HookOptions options;
  double timeout_s = 5;
  CLI::App app{
      "c8s-oci-hook: OCI createRuntime hook that refuses every container the c8s node "
      "agent has not admitted (reads the OCI state on stdin; fails closed)"};
  app.add_option("--socket", options.socket, "the node agent's hook socket")->capture_default_str();
  app.add_option("--timeout", timeout_s, "seconds to wait for the agent")->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  options.timeout = absl::Seconds(timeout_s);

  std::string state;
  char buf[65536];
  ssize_t n;
  while ((n = ::read(STDIN_FILENO, buf, sizeof(buf))) > 0) {
    state.append(buf, static_cast<size_t>(n));
    if (state.size() > c8s::hook::kMaxOciJsonBytes) break;
  }
  c8s::hook::HookOutcome outcome = c8s::hook::RunOciHook(state, options);
  std::cerr << outcome.message << "\n";
  return outcome.allowed ? 0 : 1;
}
