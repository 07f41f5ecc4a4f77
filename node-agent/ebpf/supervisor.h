// The long-running eBPF data plane of a node, hosted by the node agent daemon (no gRPC here).
//
// Start() installs the programs (or re-adopts the pinned ones of a previous agent), applies the
// bootstrap policy built from the agent's configuration unless a verified bundle is already
// enforced, then runs one worker thread (in the network namespace of the thread that called
// Start) that
//   * attaches the uplink programs to every uplink and the pod programs to every pod host-side
//     interface, also to those that appear later (rtnetlink RTM_NEWLINK/RTM_DELLINK and route
//     changes, plus a periodic rescan as a safety net);
//   * reads the ring buffer of denied flows and writes rate-limited log lines (deny_log.h)
//     `msg="flow denied" event=egress_denied dir=... pod=... proto=... src=... dst=... reason=...`;
//   * checks that our TCX programs still run first on every hook (displacement: metric + log).
// ApplyBundle() compiles a verified bundle and switches the maps atomically (PolicyMaps::Apply).
// MetricsText() returns Prometheus text exposition; the agent serves it on /metrics.
// `c8s-node-agent bpf run` hosts it in the foreground (docs/ebpf.md, "Supervisor").
// Stop() ends the thread and leaves everything attached and pinned (fail closed); only
// Uninstall() detaches.
//
//   SupervisorConfig cfg;
//   cfg.node_name = "node-1";
//   cfg.pod_cgroup = "kubepods";                         // relative to the cgroup2 mount
//   cfg.proxy_cgroup = "c8s/mesh-proxy";
//   cfg.redirect = *ParseEndpoint("10.244.1.1:15001");   // mesh outbound listener
//   cfg.interfaces.uplink_patterns = {"eth*", "ens*"};   // + interfaces with a default route
//   cfg.interfaces.pod_patterns = {"veth*", "cali*"};
//   cfg.bootstrap.cds = {"10.0.0.5:7443"};               // from the agent's config file
//   cfg.bootstrap.api_server = {"10.0.0.1:443"};
//   ASSIGN_OR_RETURN(std::unique_ptr<Supervisor> dp, Supervisor::Start(cfg));
//   ...  RETURN_IF_ERROR(dp->ApplyBundle(verified));    // manifest::VerifyBundle's result
//   ...  http_body = dp->MetricsText();
//   dp->Stop();                                          // agent exits; enforcement stays
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "lib/manifest/bundle.h"
#include "node-agent/ebpf/deny_log.h"
#include "node-agent/ebpf/interface_select.h"
#include "node-agent/ebpf/policy_bundle.h"

namespace c8s::ebpf {

struct SupervisorConfig {
  std::string pin_root = "/sys/fs/bpf/c8s";
  std::string node_name;     // this node in bundle.nodes
  std::string pod_cgroup;    // pods' parent cgroup v2 (socket hooks; node-only infrastructure)
  std::string proxy_cgroup;  // mesh proxy's cgroup v2 ("" = no mesh egress)
  Endpoint redirect;         // mesh outbound listener (IPv4), port 0 = none
  IpAddr redirect_v6{6, {}};
  uint16_t kubelet_port = 10250;
  std::vector<uint16_t> ingress_ports;
  InterfaceSelector interfaces;  // uplinks vs pods' host-side interfaces (interface_select.h)
  // The node's own infrastructure from the agent's configuration: before the first verified
  // bundle only this passes (generation 0); afterwards the bundle's own list is authoritative.
  manifest::BundleInfrastructure bootstrap;
  uint64_t events_per_sec = 100;    // ring-buffer deny events per CPU and second (BPF side)
  uint32_t log_lines_per_sec = 20;  // deny log lines per second (the rest are counted)
  uint32_t rescan_ms = 5000;        // periodic interface rescan + displacement check
  uint32_t ct_entries = 0;          // connection-tracking capacity, 0: C8S_MAX_CT (262144)
  PodResolver pod_of_cgroup;        // cgroup id -> pod name for deny log lines (may be empty)
};

class Supervisor {
 public:
  // Installs or re-adopts, applies the bootstrap policy when no bundle is enforced, attaches to
  // the interfaces present now and starts the worker thread.
  static absl::StatusOr<std::unique_ptr<Supervisor>> Start(const SupervisorConfig& config);
  ~Supervisor();  // Stop()
  Supervisor(const Supervisor&) = delete;
  Supervisor& operator=(const Supervisor&) = delete;

  // `bundle` must come from manifest::VerifyBundle. Atomic; a lower generation is refused.
  absl::Status ApplyBundle(const manifest::PolicyBundle& bundle);
  // Prometheus text format: c8s_bpf_packets_total{dir,reason}, c8s_bpf_bytes_total{dir,reason},
  // c8s_bpf_policy_generation, c8s_bpf_attached{interface,role}, c8s_bpf_displaced{link},
  // c8s_bpf_deny_events_total, c8s_bpf_deny_log_suppressed_total, c8s_bpf_attach_errors_total.
  std::string MetricsText() const;
  // Rescans the interfaces now (the worker does it on netlink events and every rescan_ms), in
  // the calling thread's network namespace, and checks for displacement.
  absl::Status Rescan();
  // Attached interfaces by name (what the last rescan saw), for tests and status.
  std::map<std::string, InterfaceRole> Interfaces() const;
  // Ends the worker thread; programs stay attached and pinned. Idempotent.
  void Stop();
  // Explicit uninstall: detaches everything and removes every pin under pin_root.
  static absl::Status Uninstall(const std::string& pin_root);

  class Impl;

 private:
  explicit Supervisor(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace c8s::ebpf
