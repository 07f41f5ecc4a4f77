// The c8s-cds process: flags, state, seed, the gRPC server, and graceful shutdown. main.cc
// only calls RunCdsMain; everything here is reusable by tests and the benchmarks.
//
//   return c8s::cds::RunCdsMain(argc, argv);   // c8s-cds --state-dir /var/lib/c8s-cds ...
#pragma once

namespace c8s::cds {

int RunCdsMain(int argc, char** argv);

}  // namespace c8s::cds
