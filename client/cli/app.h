// c8sctl: the owner's and operator's command line (verify, approve, inspect, debug).
//
// main() only calls RunC8sctl; each command group lives in its own <group>_command.cc and is
// registered in app.cc, so the groups are testable as a library:
//   int rc = RunC8sctl({"c8sctl", "cert", "inspect", "node.pem"}, out, err);
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "client/sdk/cds_client.h"

namespace c8s::cli {

// Exit codes: 0 success, 1 a check failed (verification refused), 2 usage or input error.
inline constexpr int kExitOk = 0;
inline constexpr int kExitCheckFailed = 1;
inline constexpr int kExitUsage = 2;

// `connect` reaches a CDS (client::ConnectCds); null: online commands fail with a clear error.
int RunC8sctl(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
              client::CdsConnector connect = nullptr);

}  // namespace c8s::cli
