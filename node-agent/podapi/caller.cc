#include "node-agent/podapi/caller.h"

#include "lib/base/status.h"
#include "lib/base/strings.h"
#include "node-agent/podapi/peer.h"

namespace c8s::podapi {

absl::StatusOr<Caller> CallerResolver::Resolve(int conn_fd) const {
  ASSIGN_OR_RETURN(PeerProcess peer, PeerOf(conn_fd));
  ASSIGN_OR_RETURN(std::string cgroups, ReadPeerCgroups(peer, proc_root_));
  std::string v2 = CgroupV2Path(cgroups);
  absl::StatusOr<std::string> id = ContainerIdFromCgroups(cgroups);
  if (!id.ok()) {
    return absl::PermissionDeniedError(
        StrCat("caller pid ", peer.pid, ": ", id.status().message()));
  }
  std::optional<admission::Admission> a = admissions_->Lookup(*id);
  if (!a) {
    return absl::PermissionDeniedError(StrCat("caller pid ", peer.pid, " (cgroup ", v2,
                                              "): container ", *id, " has no admission record"));
  }
  return Caller{*std::move(a), peer.pid, v2};
}

}  // namespace c8s::podapi
