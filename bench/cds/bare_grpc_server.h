// A gRPC server with nothing behind it, set up exactly as c8s-cds sets up its own (the same
// gRPC 1.51, TLS 1.3 credentials, client certificates requested, builder options; a CA and a
// serving certificate of the same kind), answering every call with an empty message. Run in
// its own process next to the CDS, it gives the same-run floor of any gRPC service on this
// machine: the server CPU of a fresh TLS connection and its first call, or of one more call on
// an open connection, before any c8s code runs.
#pragma once

#include <sys/types.h>

#include "absl/status/statusor.h"
#include "lib/crypto/x509.h"

namespace c8s::bench {

struct BareGrpcServer {
  pid_t pid = -1;
  int port = 0;
  crypto::Certificate ca;  // pin this to reach it
};

absl::StatusOr<BareGrpcServer> StartBareGrpcServer();
void StopBareGrpcServer(BareGrpcServer& server);
// user + system seconds of any process (from /proc/<pid>/stat).
absl::StatusOr<double> ProcessCpuSeconds(pid_t pid);

}  // namespace c8s::bench
