// rtnetlink notifications for the interface watcher: a non-blocking NETLINK_ROUTE socket on the
// link and IPv4/IPv6 route groups of the calling thread's network namespace. The supervisor
// polls fd() and calls Drain(), which says whether anything happened that needs a rescan
// (a link added/removed/changed, a route added/removed, or lost notifications).
//   ASSIGN_OR_RETURN(LinkWatcher w, LinkWatcher::Open());
//   if (w.Drain()) RETURN_IF_ERROR(supervisor.Rescan());
#pragma once

#include "absl/status/statusor.h"
#include "lib/base/fd.h"

namespace c8s::ebpf {

class LinkWatcher {
 public:
  static absl::StatusOr<LinkWatcher> Open();
  int fd() const { return fd_.get(); }
  // Reads every pending message; true when a rescan is due.
  bool Drain();

 private:
  UniqueFd fd_;
};

}  // namespace c8s::ebpf
