// Turns the ring buffer's denied-flow records into structured log lines, at most `per_second`
// lines a second (a token bucket; the rest are counted, not logged):
//   level=warn msg="flow denied" event=egress_denied dir=egress pod=cgroup:4242 proto=tcp
//     src=10.244.1.2:40000 dst=10.0.0.12:9001 reason=deny_no_rule ifindex=3
// `pod` is what the agent's resolver says for the socket's cgroup id (its pod), else
// "cgroup:<id>", or "-" where a packet has no socket (ingress, forwarded); absent values "-".
//   DenyLog log(20, resolver);
//   log.Record(event, now_ns);
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "bpf/shared/c8s_structs.h"
#include "lib/base/log.h"

namespace c8s::ebpf {

using PodResolver = std::function<std::string(uint64_t cgroup_id)>;

// The 8 fields of one event's log line: event, dir, pod, proto, src, dst, reason, ifindex.
std::vector<std::pair<std::string, std::string>> DenyEventFields(const c8s_deny_event& ev,
                                                                 const PodResolver& pod);

class DenyLog {
 public:
  DenyLog(uint32_t per_second, PodResolver pod) : per_second_(per_second), pod_(std::move(pod)) {}
  // Logs the event unless the budget of this second is spent. True when it was logged.
  bool Record(const c8s_deny_event& ev, uint64_t now_ns);
  uint64_t events() const { return events_; }
  uint64_t suppressed() const { return suppressed_; }

 private:
  uint32_t per_second_;
  PodResolver pod_;
  double tokens_ = -1;  // < 0: not started (a full bucket at the first event)
  uint64_t last_ns_ = 0;
  uint64_t events_ = 0, suppressed_ = 0;
};

}  // namespace c8s::ebpf
