/* Map keys, values and events shared by the c8s BPF programs and the node agent.
 *
 * Fixed-width fields, explicit padding (every pad must be zero in keys), addresses and ports in
 * network byte order exactly as on the wire; layout checked by node-agent/ebpf/layout_test.cc.
 *   struct c8s_lpm_key k = {.prefixlen = C8S_LPM_PREFIX_BITS + 24, .slot = 1, .family = 4};
 *   k.addr[0] = htonl(0xcb007100);   // 203.0.113.0/24 in policy slot 1
 */
#ifndef C8S_BPF_SHARED_STRUCTS_H_
#define C8S_BPF_SHARED_STRUCTS_H_

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

#include "bpf/shared/c8s_consts.h"

/* c8s_state[0]: which policy slot is live. The only word the programs read to pick a slot, so
 * flipping active_slot switches every map at once. */
struct c8s_state {
  __u32 version;     /* C8S_LAYOUT_VERSION of whoever created the pinned maps */
  __u32 active_slot; /* 0 or 1; 0xffffffff: no policy yet (fail closed) */
  __u64 generation;  /* policy bundle generation enforced by active_slot */
};

/* c8s_slot_config[slot]: per-slot scalars of the policy. */
struct c8s_slot_config {
  __u64 proxy_cgroup_id;   /* cgroup v2 id of the mesh proxy; 0: no mesh egress at all */
  __u64 pods_cgroup_id;    /* the pods' parent cgroup v2 id; 0: unknown */
  __u32 pods_cgroup_level; /* its depth below the cgroup2 root (bpf_skb_ancestor_cgroup_id) */
  __u32 redirect_ip4;      /* mesh outbound listener (host address reachable from pods) */
  __u16 redirect_port;     /* listener port, 0: no redirect (meshed connects fail) */
  __u16 pad0;
  __u32 redirect_ip6[4];   /* IPv6 listener address, all zero: none */
  __u32 pad1;
};

/* c8s_rules / c8s_mesh_cidrs (LPM tries): the first 32 bits after prefixlen (slot, family, pad)
 * always belong to the prefix, so prefixlen = C8S_LPM_PREFIX_BITS + CIDR length. */
#define C8S_LPM_PREFIX_BITS 32
struct c8s_lpm_key {
  __u32 prefixlen;
  __u8 slot;
  __u8 family;
  __u8 pad[2];
  __u32 addr[4];
};

/* A rule set's (protocol, port) entry held inline in its trie value. */
struct c8s_port_entry {
  __u8 proto;
  __u8 kind;  /* as c8s_port_value.kind */
  __u16 port; /* network order; 0 = every port of the protocol */
};

/* Rule sets with at most C8S_LPM_INLINE_PORTS entries (nearly all: a CIDR with a few ports) are
 * decided from the trie value alone; larger ones through c8s_ports, which always holds every
 * entry of every rule set. */
#define C8S_LPM_INLINE_PORTS 4
struct c8s_lpm_value {
  __u32 rule_set; /* rule set id in c8s_ports; for c8s_mesh_cidrs: 1 */
  __u32 count;    /* entries of the rule set; <= C8S_LPM_INLINE_PORTS: all in ports[] */
  struct c8s_port_entry ports[C8S_LPM_INLINE_PORTS];
};

/* c8s_ports: (rule set, protocol, port) -> what allows it. port 0 = every port of the protocol.
 * Egress infrastructure endpoints (and peers' mesh ports) are host prefixes in c8s_rules too, so
 * one trie lookup and one or two hash lookups decide an egress packet. */
struct c8s_port_key {
  __u32 rule_set;
  __u8 slot;
  __u8 proto;
  __u16 port;
};

struct c8s_port_value {
  __u32 kind; /* 0: an egress rule; else enum c8s_infra_kind (C8S_INFRA_MESH_PEER: proxy only) */
};

/* c8s_infra: infrastructure endpoints and ingress allowances. Egress: addr = destination.
 * Ingress: addr = source (all zero: any source). */
struct c8s_infra_key {
  __u8 slot;
  __u8 dir; /* C8S_DIR_EGRESS or C8S_DIR_INGRESS */
  __u8 family;
  __u8 proto;
  __u16 port; /* egress: destination port, ingress: local port */
  __u16 pad;
  __u32 addr[4];
};

struct c8s_infra_value {
  __u32 kind; /* enum c8s_infra_kind */
};

/* c8s_ct: the packet a flow allows next, keyed as that packet will look (dir included, so an
 * entry made for an ingress reply never lets an egress packet through). */
struct c8s_ct_key {
  __u8 family;
  __u8 proto;
  __u8 dir;
  __u8 pad;
  __u16 sport;
  __u16 dport;
  __u32 saddr[4];
  __u32 daddr[4];
};

struct c8s_ct_value {
  __u64 last_seen_ns;
  __u32 reason; /* why the flow was allowed */
  __u32 pad;
};

/* Original destination of a redirected connect: c8s_orig_by_cookie (socket cookie) until the
 * sockops program re-keys it into c8s_orig_by_tuple (pod address, source port). */
struct c8s_orig_dst {
  __u8 family;
  __u8 pad;
  __u16 port;
  __u32 addr[4];
};

struct c8s_sock_tuple {
  __u8 family;
  __u8 pad;
  __u16 port; /* pod's source port, network byte order */
  __u32 addr[4];
};

struct c8s_counter {
  __u64 packets;
  __u64 bytes;
};

/* Ring buffer record for a denied flow (rate-limited per CPU). */
struct c8s_deny_event {
  __u32 version;
  __u8 dir;
  __u8 reason;
  __u8 family;
  __u8 proto;
  __u64 ts_ns;
  __u64 cgroup_id;
  __u16 sport;
  __u16 dport;
  __u32 ifindex;
  __u32 saddr[4];
  __u32 daddr[4];
};

/* Per-CPU rate-limit window for deny events. */
struct c8s_ratelimit {
  __u64 window_start_ns;
  __u64 count;
};

#endif /* C8S_BPF_SHARED_STRUCTS_H_ */
