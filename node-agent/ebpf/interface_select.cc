#include "node-agent/ebpf/interface_select.h"

#include <fnmatch.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <sstream>

#include "lib/base/fd.h"
#include "lib/base/status.h"

namespace c8s::ebpf {
namespace {

bool Matches(const std::vector<std::string>& patterns, const std::string& name) {
  return std::any_of(patterns.begin(), patterns.end(), [&](const std::string& p) {
    return ::fnmatch(p.c_str(), name.c_str(), 0) == 0;
  });
}

}  // namespace

std::vector<InterfaceInfo> ListInterfaces() {
  std::vector<InterfaceInfo> out;
  struct if_nameindex* list = ::if_nameindex();
  if (list == nullptr) return out;
  UniqueFd s(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  for (struct if_nameindex* i = list; i->if_index != 0 && i->if_name != nullptr; ++i) {
    InterfaceInfo info{i->if_name, i->if_index, false};
    ifreq ifr{};
    std::strncpy(ifr.ifr_name, i->if_name, IFNAMSIZ - 1);
    if (s.get() >= 0 && ::ioctl(s.get(), SIOCGIFFLAGS, &ifr) == 0)
      info.loopback = (ifr.ifr_flags & IFF_LOOPBACK) != 0;
    out.push_back(std::move(info));
  }
  ::if_freenameindex(list);
  return out;
}

std::set<std::string> ParseDefaultRoutes(const std::string& route_v4,
                                         const std::string& route_v6) {
  std::set<std::string> out;
  // "Iface Destination Gateway Flags RefCnt Use Metric Mask ...", hex fields; default: 0/0.
  std::istringstream v4(route_v4);
  std::string line;
  std::getline(v4, line);  // header
  while (std::getline(v4, line)) {
    std::istringstream f(line);
    std::string iface, dest, gw, flags, refcnt, use, metric, mask;
    if (f >> iface >> dest >> gw >> flags >> refcnt >> use >> metric >> mask &&
        dest == "00000000" && mask == "00000000")
      out.insert(iface);
  }
  // "dest destlen src srclen nexthop metric refcnt use flags iface" (no header).
  std::istringstream v6(route_v6);
  while (std::getline(v6, line)) {
    std::istringstream f(line);
    std::string dest, dlen, src, slen, hop, metric, refcnt, use, flags, iface;
    if (f >> dest >> dlen >> src >> slen >> hop >> metric >> refcnt >> use >> flags >> iface &&
        dest == std::string(32, '0') && dlen == "00" && iface != "lo")
      out.insert(iface);
  }
  return out;
}

absl::StatusOr<std::set<std::string>> DefaultRouteInterfaces() {
  ASSIGN_OR_RETURN(std::string v4, ReadFile("/proc/thread-self/net/route"));
  auto v6 = ReadFile("/proc/thread-self/net/ipv6_route");  // absent without IPv6
  return ParseDefaultRoutes(v4, v6.ok() ? *v6 : "");
}

std::map<std::string, InterfaceRole> ClassifyInterfaces(const InterfaceSelector& sel,
                                                        const std::vector<InterfaceInfo>& ifaces,
                                                        const std::set<std::string>& defaults) {
  std::map<std::string, InterfaceRole> out;
  for (const InterfaceInfo& i : ifaces) {
    if (i.loopback) continue;
    bool uplink = std::find(sel.uplinks.begin(), sel.uplinks.end(), i.name) != sel.uplinks.end() ||
                  Matches(sel.uplink_patterns, i.name) ||
                  (sel.default_route_uplinks && defaults.count(i.name) != 0);
    if (uplink)
      out[i.name] = InterfaceRole::kUplink;
    else if (Matches(sel.pod_patterns, i.name))
      out[i.name] = InterfaceRole::kPod;
  }
  return out;
}

}  // namespace c8s::ebpf
