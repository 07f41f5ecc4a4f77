// Which of a node's interfaces are uplinks and which are pods' host-side ends, decided from the
// agent's configuration (explicit names, fnmatch(3) patterns) and the routing table (interfaces
// that carry a default route are uplinks). Loopback never gets programs; a name that matches
// both an uplink and a pod rule is an uplink (the stricter "leaving the node" policy).
//
//   InterfaceSelector sel;  sel.uplink_patterns = {"eth*"};
//   ASSIGN_OR_RETURN(auto defaults, DefaultRouteInterfaces());
//   for (auto& [name, role] : ClassifyInterfaces(sel, ListInterfaces(), defaults)) ...
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "node-agent/ebpf/loader.h"

namespace c8s::ebpf {

struct InterfaceSelector {
  std::vector<std::string> uplinks;          // explicit names
  std::vector<std::string> uplink_patterns;  // e.g. "eth*", "ens*", "bond*"
  bool default_route_uplinks = true;         // interfaces carrying an IPv4/IPv6 default route
  std::vector<std::string> pod_patterns = {"veth*", "cali*", "lxc*"};  // pods' host-side ends
};

struct InterfaceInfo {
  std::string name;
  uint32_t ifindex = 0;
  bool loopback = false;
};

// The interfaces of the calling thread's network namespace.
std::vector<InterfaceInfo> ListInterfaces();
// Names of interfaces with an IPv4 or IPv6 default route in the main table (from
// /proc/thread-self/net/route and ipv6_route: the calling thread's namespace).
absl::StatusOr<std::set<std::string>> DefaultRouteInterfaces();
// Parses the text of /proc/net/route and /proc/net/ipv6_route (exposed for tests).
std::set<std::string> ParseDefaultRoutes(const std::string& route_v4, const std::string& route_v6);
std::map<std::string, InterfaceRole> ClassifyInterfaces(const InterfaceSelector& selector,
                                                        const std::vector<InterfaceInfo>& ifaces,
                                                        const std::set<std::string>& defaults);

}  // namespace c8s::ebpf
