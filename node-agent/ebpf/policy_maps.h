// The pinned c8s maps as seen by the agent: state, atomic policy switch, counters.
//
// Apply() writes the whole compiled policy into the inactive slot, then flips
// c8s_state.active_slot with one map update (the programs read only that word to choose a
// slot), then removes the old slot's entries: no packet ever sees a half-written policy.
//   ASSIGN_OR_RETURN(PolicyMaps maps, PolicyMaps::Open("/sys/fs/bpf/c8s/maps"));
//   RETURN_IF_ERROR(maps.Apply(compiled));
//   ASSIGN_OR_RETURN(auto counters, maps.Counters());
//   ASSIGN_OR_RETURN(Endpoint orig, maps.OriginalDestination(accepted_peer));
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "bpf/shared/c8s_structs.h"
#include "lib/base/fd.h"
#include "node-agent/ebpf/policy_bundle.h"
#include "node-agent/ebpf/policy_compiler.h"

namespace c8s::ebpf {

inline constexpr uint32_t kNoPolicySlot = 0xffffffffu;

struct CounterRow {
  uint32_t dir = 0;
  uint32_t reason = 0;
  uint64_t packets = 0;
  uint64_t bytes = 0;
};

const char* ReasonName(uint32_t reason);
const char* DirName(uint32_t dir);

class PolicyMaps {
 public:
  // Opens the maps pinned in `maps_dir` (bpffs) by name.
  static absl::StatusOr<PolicyMaps> Open(const std::string& maps_dir);

  // A freshly created state map (version 0) becomes {C8S_LAYOUT_VERSION, no policy}; an
  // existing one must carry C8S_LAYOUT_VERSION (else: a migration is needed, refused here).
  absl::Status InitializeOrCheckVersion();
  absl::StatusOr<c8s_state> State() const;
  // Rejects a generation lower than the enforced one (equal re-applies, e.g. new settings).
  absl::Status Apply(const CompiledPolicy& policy);
  // Counters summed over CPUs; only rows with packets.
  absl::StatusOr<std::vector<CounterRow>> Counters() const;
  // Packets counted for (dir, reason), summed over CPUs.
  absl::StatusOr<uint64_t> Count(uint32_t dir, uint32_t reason) const;
  absl::Status ResetCounters();
  // The destination a pod asked for before connect4/6 redirected it to the mesh listener, by
  // the (pod address, source port) the proxy sees on accept; NotFound once the socket closed.
  // An IPv4-mapped IPv6 peer address is looked up as IPv4.
  absl::StatusOr<Endpoint> OriginalDestination(const Endpoint& pod_source) const;
  int events_fd() const { return events_.get(); }
  int orig_by_tuple_fd() const { return orig_by_tuple_.get(); }

 private:
  absl::Status ClearSlot(uint32_t slot);
  UniqueFd state_, slot_config_, rules_, ports_, infra_, mesh_cidrs_, counters_, events_,
      orig_by_tuple_;
};

}  // namespace c8s::ebpf
