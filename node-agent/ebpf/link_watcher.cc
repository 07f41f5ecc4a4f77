#include "node-agent/ebpf/link_watcher.h"

#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

#include "lib/base/status.h"

namespace c8s::ebpf {

absl::StatusOr<LinkWatcher> LinkWatcher::Open() {
  LinkWatcher w;
  w.fd_ = UniqueFd(::socket(AF_NETLINK, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, NETLINK_ROUTE));
  if (w.fd_.get() < 0) return ErrnoStatus("rtnetlink socket", errno);
  sockaddr_nl addr{};
  addr.nl_family = AF_NETLINK;
  addr.nl_groups = RTMGRP_LINK | RTMGRP_IPV4_ROUTE | RTMGRP_IPV6_ROUTE;
  if (::bind(w.fd_.get(), reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0)
    return ErrnoStatus("bind rtnetlink link/route groups", errno);
  return w;
}

bool LinkWatcher::Drain() {
  bool rescan = false;
  alignas(nlmsghdr) char buf[16384];
  for (;;) {
    ssize_t n = ::recv(fd_.get(), buf, sizeof(buf), 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == ENOBUFS) {  // the kernel dropped notifications: we must look ourselves
        rescan = true;
        continue;
      }
      return rescan;  // EAGAIN: drained
    }
    int len = static_cast<int>(n);
    // NLMSG_OK compares the u32 nlmsg_len with the int length netlink(7) prescribes; clang
    // reports that inside the macro, gcc does not.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wsign-compare"
    for (auto* h = reinterpret_cast<nlmsghdr*>(buf); NLMSG_OK(h, len); h = NLMSG_NEXT(h, len)) {
#pragma GCC diagnostic pop
      switch (h->nlmsg_type) {
        case RTM_NEWLINK:
        case RTM_DELLINK:
        case RTM_NEWROUTE:
        case RTM_DELROUTE:
          rescan = true;
          break;
        default:
          break;
      }
    }
  }
}

}  // namespace c8s::ebpf
