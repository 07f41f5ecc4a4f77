#include "node-agent/ebpf/metrics.h"

#include <sstream>

namespace c8s::ebpf {
namespace {

void Header(std::ostringstream& o, const char* name, const char* type, const char* help) {
  o << "# HELP " << name << " " << help << "\n# TYPE " << name << " " << type << "\n";
}

// Interface name and role from a link pin name ("tc-eth0-egress", "pod-veth1-out").
bool InterfaceOf(const std::string& pin, std::string* ifname, const char** role,
                 const char** hook) {
  struct Form {
    const char *prefix, *suffix, *role, *hook;
  };
  static constexpr Form kForms[] = {{"tc-", "-egress", "uplink", "egress"},
                                    {"tc-", "-ingress", "uplink", "ingress"},
                                    {"pod-", "-out", "pod", "ingress"},
                                    {"pod-", "-in", "pod", "egress"}};
  for (const Form& f : kForms) {
    std::string p(f.prefix), s(f.suffix);
    if (pin.size() > p.size() + s.size() && pin.rfind(p, 0) == 0 &&
        pin.compare(pin.size() - s.size(), s.size(), s) == 0) {
      *ifname = pin.substr(p.size(), pin.size() - p.size() - s.size());
      *role = f.role;
      *hook = f.hook;
      return true;
    }
  }
  return false;
}

}  // namespace

std::string PrometheusText(const DataPlaneStatus& st, const SupervisorCounters& c) {
  std::ostringstream o;
  Header(o, "c8s_bpf_packets_total", "counter", "Packets and socket calls by verdict reason.");
  for (const CounterRow& r : st.counters)
    o << "c8s_bpf_packets_total{dir=\"" << DirName(r.dir) << "\",reason=\"" << ReasonName(r.reason)
      << "\"} " << r.packets << "\n";
  Header(o, "c8s_bpf_bytes_total", "counter", "Bytes of the packets counted by the TC programs.");
  for (const CounterRow& r : st.counters)
    if (r.bytes != 0)
      o << "c8s_bpf_bytes_total{dir=\"" << DirName(r.dir) << "\",reason=\""
        << ReasonName(r.reason) << "\"} " << r.bytes << "\n";
  Header(o, "c8s_bpf_policy_generation", "gauge",
         "Enforced policy bundle generation (0: bootstrap policy, -1: none: all denied).");
  if (st.state.active_slot > 1)
    o << "c8s_bpf_policy_generation -1\n";
  else
    o << "c8s_bpf_policy_generation " << st.state.generation << "\n";
  Header(o, "c8s_bpf_attached", "gauge", "TCX hooks our programs are attached to (1 per hook).");
  Header(o, "c8s_bpf_displaced", "gauge",
         "1 when another program was put in front of ours on that hook.");
  std::ostringstream displaced;
  for (const LinkStatus& l : st.links) {
    std::string ifname;
    const char *role = nullptr, *hook = nullptr;
    if (!InterfaceOf(l.name, &ifname, &role, &hook)) continue;
    const bool attached = l.problem.empty() || !l.first;  // displaced still runs, just later
    o << "c8s_bpf_attached{interface=\"" << ifname << "\",role=\"" << role << "\",hook=\"" << hook
      << "\"} " << (attached ? 1 : 0) << "\n";
    displaced << "c8s_bpf_displaced{link=\"" << l.name << "\"} " << (l.first ? 0 : 1) << "\n";
  }
  o << displaced.str();
  Header(o, "c8s_bpf_displaced_events_total", "counter", "Times a link was found displaced.");
  o << "c8s_bpf_displaced_events_total " << c.displaced_events << "\n";
  Header(o, "c8s_bpf_deny_events_total", "counter", "Denied-flow records read from the ring.");
  o << "c8s_bpf_deny_events_total " << c.deny_events << "\n";
  Header(o, "c8s_bpf_deny_log_suppressed_total", "counter",
         "Denied-flow records not logged because of the log rate limit.");
  o << "c8s_bpf_deny_log_suppressed_total " << c.deny_log_suppressed << "\n";
  Header(o, "c8s_bpf_attach_errors_total", "counter", "Failed attachments to an interface.");
  o << "c8s_bpf_attach_errors_total " << c.attach_errors << "\n";
  Header(o, "c8s_bpf_interface_rescans_total", "counter", "Interface rescans.");
  o << "c8s_bpf_interface_rescans_total " << c.rescans << "\n";
  return o.str();
}

}  // namespace c8s::ebpf
