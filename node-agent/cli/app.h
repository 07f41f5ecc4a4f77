// c8s-node-agent: the per-node agent's command line. main() only calls RunNodeAgent; each
// command group lives in <group>_command.cc and is registered in register.cc, so more groups
// (the agent daemon, attestation, ...) slot in with one line each.
//   int rc = RunNodeAgent({"c8s-node-agent", "bpf", "status"}, std::cout, std::cerr);
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace c8s::node_agent {

// Exit codes: 0 success, 1 the operation failed, 2 usage or input error.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;
inline constexpr int kExitUsage = 2;

int RunNodeAgent(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace c8s::node_agent
