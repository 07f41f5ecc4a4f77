// SPDX-License-Identifier: GPL-2.0
/* Uplink enforcement: one TC program per direction, attached first on every uplink with TCX
 * (BPF_F_BEFORE); and on every pod's host-side interface one program for what leaves the pod
 * (TCX ingress there) and one for what goes to it (TCX egress). Allowed packets return TCX_NEXT
 * so a CNI's programs after ours still run; everything else is dropped and counted by reason.
 * See docs/ebpf.md for the decisions. */
#include "vmlinux.h"
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#include "bpf/c8s_ct.h"
#include "bpf/c8s_maps.h"
#include "bpf/c8s_origin.h"
#include "bpf/c8s_parse.h"
#include "bpf/c8s_policy.h"

char LICENSE[] SEC("license") = "GPL";

/* Link control that needs no policy entry. Only packets that cannot have crossed a router
 * qualify: neighbour discovery must carry hop limit 255 (RFC 4861) and MLD hop limit 1 with a
 * link-local or unspecified source (RFC 3810), so an NDP- or MLD-typed packet that a pod sends
 * to a remote address (forwarded by the node: hop limit decremented) is no way out. */
static __always_inline int c8s_icmp_control(const struct c8s_flow *f, __u8 dir) {
  if (f->proto == C8S_PROTO_ICMPV6) {
    __u8 t = f->icmp_type;
    if (t >= 133 && t <= 137) return f->hop_limit == 255; /* neighbour discovery */
    if (t == 130 || t == 131 || t == 132 || t == 143) {     /* MLD query, report, done */
      __u32 a0 = bpf_ntohl(f->saddr[0]);
      int link_local = (a0 & 0xffc00000) == 0xfe800000;
      int unspecified = (f->saddr[0] | f->saddr[1] | f->saddr[2] | f->saddr[3]) == 0;
      return f->hop_limit == 1 && (link_local || unspecified);
    }
    return dir == C8S_DIR_INGRESS && t >= 1 && t <= 4; /* errors, PMTU */
  }
  if (f->proto == C8S_PROTO_ICMP)
    return dir == C8S_DIR_INGRESS && (f->icmp_type == 3 || f->icmp_type == 11 ||
                                      f->icmp_type == 12);
  return 0;
}

/* One trie lookup and one or two hash lookups decide rules, infrastructure and mesh peers
 * together; conntrack is consulted only for what the policy does not allow (replies of inbound
 * flows). TCP allowed by a rule records its reply at the SYN only and passes mid-flow packets
 * statelessly, so an established allowed flow costs exactly the policy lookup. */
static __always_inline __u32 c8s_egress_verdict(struct __sk_buff *skb, struct c8s_flow *f) {
  __u32 slot;
  if (!c8s_active_slot(&slot)) return C8S_R_DENY_NO_POLICY;
  if (c8s_icmp_control(f, C8S_DIR_EGRESS)) return C8S_R_ALLOW_ICMP_CONTROL;
  /* ICMP carries the echo identifier in the port fields; rules match ICMP by protocol only. */
  __u16 port = f->proto == C8S_PROTO_ICMP || f->proto == C8S_PROTO_ICMPV6 ? 0 : f->dport;
  __u32 kind = c8s_policy_lookup(slot, f->family, f->daddr, f->proto, port);
  if (kind == 0) {
    /* A rule allows the flow statelessly; its replies need an entry, made at the SYN (TCP) and
     * kept alive by the replies themselves (c8s_ct_hit refreshes). */
    if (f->proto == C8S_PROTO_TCP && !f->syn) return C8S_R_ALLOW_RULE;
    return c8s_ct_allow(C8S_DIR_INGRESS, f, C8S_R_ALLOW_RULE);
  }
  if (kind != C8S_POLICY_NONE) {
    struct c8s_slot_config *cfg = bpf_map_lookup_elem(&c8s_slot_config, &slot);
    if (!cfg) return C8S_R_DENY_NO_POLICY;
    if (kind == C8S_INFRA_MESH_PEER) {
      /* The socket's cgroup, not the port, identifies the proxy: a pod's raw socket sending to
       * a peer's mesh port carries the pod's cgroup. */
      if (cfg->proxy_cgroup_id == 0 || bpf_skb_cgroup_id(skb) != cfg->proxy_cgroup_id)
        return C8S_R_DENY_MESH_NOT_PROXY;
      return c8s_ct_allow(C8S_DIR_INGRESS, f, C8S_R_ALLOW_MESH);
    }
    if (!C8S_INFRA_POD_REACHABLE(kind) && !c8s_from_node(skb, cfg)) return C8S_R_DENY_NODE_ONLY;
    return c8s_ct_allow(C8S_DIR_INGRESS, f, C8S_R_ALLOW_INFRA);
  }
  /* Replies of inbound flows (mesh inbound, kubelet, ingress ports) come from the node's own
   * sockets. A forwarded packet is none: a pod forging the node's address could otherwise
   * answer a flow that an outside party opened to an ingress port. */
  struct c8s_slot_config *cfg = bpf_map_lookup_elem(&c8s_slot_config, &slot);
  if (cfg && c8s_from_node(skb, cfg) && c8s_ct_hit(C8S_DIR_EGRESS, f)) return C8S_R_ALLOW_REPLY;
  return C8S_R_DENY_NO_RULE;
}

static __always_inline __u32 c8s_ingress_verdict(struct c8s_flow *f) {
  __u32 slot;
  if (!c8s_active_slot(&slot)) return C8S_R_DENY_NO_POLICY;
  if (c8s_icmp_control(f, C8S_DIR_INGRESS)) return C8S_R_ALLOW_ICMP_CONTROL;
  if (c8s_ct_hit(C8S_DIR_INGRESS, f)) return C8S_R_ALLOW_REPLY;
  __u32 kind = c8s_infra_kind(slot, C8S_DIR_INGRESS, f->family, f->proto, f->dport, f->saddr);
  if (kind == C8S_INFRA_MESH_PEER) return c8s_ct_allow(C8S_DIR_EGRESS, f, C8S_R_ALLOW_MESH);
  if (kind != 0) return c8s_ct_allow(C8S_DIR_EGRESS, f, C8S_R_ALLOW_INFRA);
  if (c8s_infra_kind(slot, C8S_DIR_INGRESS, f->family, f->proto, f->dport, 0))
    return c8s_ct_allow(C8S_DIR_EGRESS, f, C8S_R_ALLOW_INGRESS_PORT);
  return C8S_R_DENY_NO_RULE;
}

/* What a pod sends, seen on its host-side interface before any routing, NAT or tunnel
 * encapsulation: the pod is the origin whatever socket (or none) the packet has. */
static __always_inline __u32 c8s_pod_out_verdict(struct c8s_flow *f) {
  __u32 slot;
  if (!c8s_active_slot(&slot)) return C8S_R_DENY_NO_POLICY;
  if (c8s_icmp_control(f, C8S_DIR_EGRESS)) return C8S_R_ALLOW_ICMP_CONTROL;
  struct c8s_slot_config *cfg = bpf_map_lookup_elem(&c8s_slot_config, &slot);
  if (!cfg) return C8S_R_DENY_NO_POLICY;
  if (c8s_to_redirect_listener(cfg, f)) return C8S_R_ALLOW_MESH; /* a redirected connect */
  __u16 port = f->proto == C8S_PROTO_ICMP || f->proto == C8S_PROTO_ICMPV6 ? 0 : f->dport;
  __u32 kind = c8s_policy_lookup(slot, f->family, f->daddr, f->proto, port);
  if (kind == 0) return C8S_R_ALLOW_RULE; /* the uplink records the reply when it leaves */
  if (kind == C8S_INFRA_MESH_PEER) return C8S_R_DENY_MESH_NOT_PROXY;
  if (kind != C8S_POLICY_NONE)
    return C8S_INFRA_POD_REACHABLE(kind) ? C8S_R_ALLOW_INFRA : C8S_R_DENY_NODE_ONLY;
  /* Replies of connections made to the pod (mesh inbound proxy, kubelet probes, DNS service). */
  if (c8s_ct_hit(C8S_DIR_POD_OUT, f)) return C8S_R_ALLOW_REPLY;
  return C8S_R_DENY_NO_RULE;
}

/* Towards a pod: what got here passed the uplink ingress, comes from the node or from another
 * pod's interface, so it is allowed; a flow's first packet records the pod's reply. */
static __always_inline __u32 c8s_pod_in_verdict(struct c8s_flow *f) {
  __u32 slot;
  if (!c8s_active_slot(&slot)) return C8S_R_DENY_NO_POLICY;
  if (f->proto == C8S_PROTO_TCP && !f->syn) return C8S_R_ALLOW_TO_POD;
  if ((f->proto == C8S_PROTO_ICMP && f->icmp_type != 8) ||
      (f->proto == C8S_PROTO_ICMPV6 && f->icmp_type != 128))
    return C8S_R_ALLOW_TO_POD; /* not an echo request: nothing to answer */
  return c8s_ct_allow(C8S_DIR_POD_OUT, f, C8S_R_ALLOW_TO_POD);
}

static __always_inline int c8s_finish(struct __sk_buff *skb, __u8 dir, __u32 reason,
                                      const struct c8s_flow *f) {
  if (reason >= C8S_REASON_MAX) reason = C8S_R_DENY_MALFORMED;
  c8s_count(dir, reason, skb->len);
  if (reason < C8S_R_FIRST_DENY) return TCX_NEXT;
  struct c8s_deny_event ev = {.version = C8S_LAYOUT_VERSION, .dir = dir, .reason = reason,
                              .family = f->family, .proto = f->proto,
                              .ts_ns = bpf_ktime_get_ns(), .sport = f->sport,
                              .dport = f->dport, .ifindex = skb->ifindex};
  if (dir == C8S_DIR_EGRESS || dir == C8S_DIR_POD_OUT) ev.cgroup_id = bpf_skb_cgroup_id(skb);
  __builtin_memcpy(ev.saddr, f->saddr, 16);
  __builtin_memcpy(ev.daddr, f->daddr, 16);
  c8s_emit_deny(&ev);
  return TCX_DROP;
}

SEC("tcx/egress")
int c8s_uplink_egress(struct __sk_buff *skb) {
  struct c8s_flow f = {};
  __u32 reason = c8s_parse(skb, &f);
  if (reason == 0) reason = c8s_egress_verdict(skb, &f);
  return c8s_finish(skb, C8S_DIR_EGRESS, reason, &f);
}

SEC("tcx/ingress")
int c8s_uplink_ingress(struct __sk_buff *skb) {
  struct c8s_flow f = {};
  __u32 reason = c8s_parse(skb, &f);
  if (reason == 0) reason = c8s_ingress_verdict(&f);
  return c8s_finish(skb, C8S_DIR_INGRESS, reason, &f);
}

SEC("tcx/ingress")
int c8s_pod_out(struct __sk_buff *skb) {
  struct c8s_flow f = {};
  __u32 reason = c8s_parse(skb, &f);
  if (reason == 0) reason = c8s_pod_out_verdict(&f);
  return c8s_finish(skb, C8S_DIR_POD_OUT, reason, &f);
}

SEC("tcx/egress")
int c8s_pod_in(struct __sk_buff *skb) {
  struct c8s_flow f = {};
  __u32 reason = c8s_parse(skb, &f);
  if (reason == 0) reason = c8s_pod_in_verdict(&f);
  return c8s_finish(skb, C8S_DIR_POD_IN, reason, &f);
}
