#include "client/c8sctl/connector.h"

namespace c8s::cli {

client::CdsConnector DefaultConnector() { return nullptr; }

}  // namespace c8s::cli
