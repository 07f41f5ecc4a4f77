// Prometheus text exposition (format 0.0.4) of the data plane: per-(direction, reason) packet
// and byte counters summed over CPUs, the enforced policy generation, one series per attached
// interface and one per pinned link saying whether another program was put before ours.
//   std::string body = PrometheusText(status, supervisor_counters);
#pragma once

#include <cstdint>
#include <string>

#include "node-agent/ebpf/data_plane.h"

namespace c8s::ebpf {

// What the supervisor itself counts.
struct SupervisorCounters {
  uint64_t deny_events = 0;          // ring-buffer records read
  uint64_t deny_log_suppressed = 0;  // records not logged (log rate limit)
  uint64_t attach_errors = 0;        // failed attachments to an interface
  uint64_t rescans = 0;              // interface rescans done
  uint64_t displaced_events = 0;     // times a link was found displaced (transitions)
};

std::string PrometheusText(const DataPlaneStatus& status, const SupervisorCounters& counters);

}  // namespace c8s::ebpf
