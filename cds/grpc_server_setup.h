// How c8s-cds sets up its gRPC server, apart from the services: the TLS 1.3 credentials (its
// serving identity; client certificates requested, checked per call where a caller identity
// matters) and the builder options. One place, so that c8s-bench-node-join and
// c8s-bench-issue can measure a bare server set up exactly like the CDS next to it.
#pragma once

#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server_builder.h>

#include <memory>

#include "lib/crypto/tls.h"

namespace c8s::cds {

std::shared_ptr<grpc::ServerCredentials> CdsServerCredentials(const crypto::TlsIdentity& identity);
void ApplyCdsServerOptions(grpc::ServerBuilder& builder, int max_message_bytes);

}  // namespace c8s::cds
