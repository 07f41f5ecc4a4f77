#include "client/c8sctl/connector.h"
#include "client/sdk/grpc_cds_client.h"

namespace c8s::cli {

client::CdsConnector DefaultConnector() { return client::ConnectCds; }

}  // namespace c8s::cli
