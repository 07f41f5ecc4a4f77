/* Constants shared by the c8s BPF programs and the node agent (C and C++).
 *
 * Verdict reasons index the per-CPU counter array: index = dir * C8S_REASON_MAX + reason.
 *   __u32 slot = C8S_COUNTER_INDEX(C8S_DIR_EGRESS, C8S_R_DENY_NO_RULE);
 *   if (reason < C8S_R_FIRST_DENY) allow(); else drop();
 */
#ifndef C8S_BPF_SHARED_CONSTS_H_
#define C8S_BPF_SHARED_CONSTS_H_

/* Bumped whenever a pinned map's key or value layout changes; the agent refuses (or migrates)
 * pinned maps whose c8s_state.version differs. 2: c8s_port_value.kind, infrastructure entries
 * in c8s_rules/c8s_ports, inline port entries in c8s_lpm_value. 3: pod-interface directions,
 * allow_to_pod / deny_node_only reasons, the pods' cgroup in c8s_slot_config. 4: the
 * deny_source_route reason (the counter array grew). */
#define C8S_LAYOUT_VERSION 4

/* Address families inside keys (not AF_*: those differ between BPF and libc headers). */
#define C8S_FAM_V4 4
#define C8S_FAM_V6 6

/* Protocol numbers (IANA). */
#define C8S_PROTO_ICMP 1
#define C8S_PROTO_TCP 6
#define C8S_PROTO_UDP 17
#define C8S_PROTO_ICMPV6 58

/* Map capacities. */
#define C8S_MAX_LPM_RULES 262144
#define C8S_MAX_PORT_RULES 524288
#define C8S_MAX_INFRA 4096
#define C8S_MAX_MESH_CIDRS 1024
#define C8S_MAX_CT 262144
#define C8S_MAX_SOCKS 65536
#define C8S_EVENTS_BYTES (256 * 1024)

/* Where a verdict was taken. */
enum c8s_dir {
  C8S_DIR_EGRESS = 0,  /* TC egress on an uplink (leaving the node) */
  C8S_DIR_INGRESS = 1, /* TC ingress on an uplink (entering the node) */
  C8S_DIR_CONNECT = 2, /* cgroup connect4/6 of a pod */
  C8S_DIR_SENDMSG = 3, /* cgroup sendmsg4/6 of a pod (UDP) */
  C8S_DIR_POD_OUT = 4, /* TC ingress of a pod's host-side interface (leaving the pod) */
  C8S_DIR_POD_IN = 5,  /* TC egress of a pod's host-side interface (towards the pod) */
  C8S_DIR_MAX = 6,
};

/* Why. Allow reasons first, then deny reasons from C8S_R_FIRST_DENY on. */
enum c8s_reason {
  C8S_R_ALLOW_MESH = 0,         /* mesh proxy's cgroup to a mesh peer, or redirected connect */
  C8S_R_ALLOW_INFRA = 1,        /* node infrastructure endpoint (CDS, API server, DNS, ...) */
  C8S_R_ALLOW_RULE = 2,         /* an egress rule of the policy */
  C8S_R_ALLOW_REPLY = 3,        /* packet of a flow the connection-tracking map allowed */
  C8S_R_ALLOW_INGRESS_PORT = 4, /* mesh inbound port / explicitly allowed ingress port */
  C8S_R_ALLOW_ICMP_CONTROL = 5, /* ICMP errors, PMTU, IPv6 neighbour discovery */
  C8S_R_ALLOW_ARP = 6,          /* ARP frames (no payload, needed for IPv4 at all) */
  C8S_R_ALLOW_LOOPBACK = 7,     /* connect/sendmsg inside the pod (127/8, ::1) */
  C8S_R_REDIRECT_MESH = 8,      /* connect rewritten to the mesh outbound listener */
  C8S_R_ALLOW_TO_POD = 9,       /* towards a pod: already checked where it entered the node */
  C8S_R_FIRST_DENY = 10,
  C8S_R_DENY_NO_RULE = 10,      /* nothing allows it */
  C8S_R_DENY_MESH_NOT_PROXY = 11, /* mesh peer port, but the socket is not the proxy's */
  C8S_R_DENY_MALFORMED = 12,    /* truncated or inconsistent headers (short, bad IHL, ...) */
  C8S_R_DENY_FRAGMENT = 13,     /* IPv4 fragment or IPv6 fragment header */
  C8S_R_DENY_VLAN = 14,         /* in-band 802.1Q / 802.1ad tag */
  C8S_R_DENY_NON_IP = 15,       /* other ethertypes */
  C8S_R_DENY_IPV6_EXT = 16,     /* IPv6 extension header chain we do not walk */
  C8S_R_DENY_CT_FULL = 17,      /* connection-tracking insert failed: fail closed */
  C8S_R_DENY_NO_POLICY = 18,    /* no policy installed yet (fail closed) */
  C8S_R_DENY_MESH_NO_REDIRECT = 19, /* meshed destination but no outbound listener known */
  C8S_R_DENY_UDP_NOT_DNS = 20,  /* pod UDP other than DNS to the cluster DNS service */
  C8S_R_DENY_NODE_ONLY = 21,    /* node-only infrastructure (CDS, metadata, time) from a pod */
  C8S_R_DENY_SOURCE_ROUTE = 22, /* IPv4 source-route option or IPv6 routing header */
  C8S_R_EVENT_SUPPRESSED = 23,  /* not a verdict: a deny event dropped by the rate limit */
  C8S_REASON_MAX = 24,
};

#define C8S_COUNTER_INDEX(dir, reason) ((int)(dir) * (int)C8S_REASON_MAX + (int)(reason))
#define C8S_COUNTERS ((int)C8S_DIR_MAX * (int)C8S_REASON_MAX)

/* Kinds of entries in c8s_infra. */
enum c8s_infra_kind {
  C8S_INFRA_CDS = 1,
  C8S_INFRA_API_SERVER = 2,
  C8S_INFRA_DNS = 3,
  C8S_INFRA_METADATA = 4,
  C8S_INFRA_TIME = 5,
  C8S_INFRA_OTHER = 6,
  C8S_INFRA_MESH_PEER = 7,   /* another node's mesh inbound port: proxy cgroup only */
  C8S_INFRA_KUBELET = 8,     /* ingress: API server to kubelet port */
  C8S_INFRA_INGRESS_PORT = 9 /* ingress: allowed port from any source (mesh inbound) */
};

/* What pods may reach of the node's infrastructure (docs/ebpf.md, "Pods and infrastructure"):
 * the cluster DNS and the API server (controllers); CDS, metadata, time and anything else are
 * node-only, enforced at the socket hooks, at the pods' interfaces and, by the socket's cgroup,
 * at the uplinks. */
#define C8S_INFRA_POD_REACHABLE(kind) ((kind) == C8S_INFRA_DNS || (kind) == C8S_INFRA_API_SERVER)

#endif /* C8S_BPF_SHARED_CONSTS_H_ */
