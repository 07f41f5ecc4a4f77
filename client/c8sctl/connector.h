// How this c8sctl binary reaches a CDS: over gRPC (connector_grpc.cc) or not at all
// (connector_none.cc, for builds without gRPC). CMake links exactly one of them.
#pragma once

#include "client/sdk/cds_client.h"

namespace c8s::cli {

client::CdsConnector DefaultConnector();

}  // namespace c8s::cli
