#include "node-agent/ebpf/deny_log.h"

#include <arpa/inet.h>

#include <algorithm>

#include "lib/base/strings.h"
#include "node-agent/ebpf/policy_maps.h"

namespace c8s::ebpf {
namespace {

std::string Addr(uint8_t family, const __u32 addr[4], uint16_t port_be) {
  char text[INET6_ADDRSTRLEN] = {};
  inet_ntop(family == C8S_FAM_V4 ? AF_INET : AF_INET6, addr, text, sizeof(text));
  if (port_be == 0) return text;
  if (family == C8S_FAM_V4) return StrCat(text, ":", ntohs(port_be));
  return StrCat("[", text, "]:", ntohs(port_be));
}

std::string ProtoName(uint8_t proto) {
  switch (proto) {
    case C8S_PROTO_TCP: return "tcp";
    case C8S_PROTO_UDP: return "udp";
    case C8S_PROTO_ICMP: return "icmp";
    case C8S_PROTO_ICMPV6: return "icmpv6";
    default: return std::to_string(proto);
  }
}

}  // namespace

std::vector<std::pair<std::string, std::string>> DenyEventFields(const c8s_deny_event& ev,
                                                                 const PodResolver& pod) {
  const bool inbound = ev.dir == C8S_DIR_INGRESS || ev.dir == C8S_DIR_POD_IN;
  std::string who = "-";
  if (ev.cgroup_id != 0) {
    who = pod ? pod(ev.cgroup_id) : std::string();
    if (who.empty()) who = StrCat("cgroup:", ev.cgroup_id);
  }
  const bool socket_hook = ev.dir == C8S_DIR_CONNECT || ev.dir == C8S_DIR_SENDMSG;
  const bool known_family = ev.family == C8S_FAM_V4 || ev.family == C8S_FAM_V6;
  return {
      {"event", inbound ? "ingress_denied" : "egress_denied"},
      {"dir", DirName(ev.dir)},
      {"pod", who},
      {"proto", ProtoName(ev.proto)},
      {"src", known_family && !socket_hook ? Addr(ev.family, ev.saddr, ev.sport) : "-"},
      {"dst", known_family ? Addr(ev.family, ev.daddr, ev.dport) : "-"},
      {"reason", ReasonName(ev.reason)},
      {"ifindex", ev.ifindex != 0 ? std::to_string(ev.ifindex) : "-"},
  };
}

bool DenyLog::Record(const c8s_deny_event& ev, uint64_t now_ns) {
  ++events_;
  const double cap = static_cast<double>(per_second_);
  if (tokens_ < 0) {
    tokens_ = cap;
  } else if (now_ns > last_ns_) {
    tokens_ = std::min(cap, tokens_ + cap * static_cast<double>(now_ns - last_ns_) / 1e9);
  }
  last_ns_ = std::max(last_ns_, now_ns);
  if (tokens_ < 1) {
    ++suppressed_;
    return false;
  }
  tokens_ -= 1;
  auto f = DenyEventFields(ev, pod_);
  auto at = [&](size_t i) { return log::Field(f[i].first, f[i].second); };
  log::Warn("flow denied", {at(0), at(1), at(2), at(3), at(4), at(5), at(6), at(7)});
  return true;
}

}  // namespace c8s::ebpf
