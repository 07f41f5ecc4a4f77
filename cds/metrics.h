// The CDS's metrics registry is the shared one (lib/base/metrics.h); these names keep the cds
// code as it was.
#pragma once

#include "lib/base/metrics.h"

namespace c8s::cds {

using ::c8s::Labels;
using ::c8s::Metrics;
using ::c8s::ReasonLabel;

}  // namespace c8s::cds
