// SPDX-License-Identifier: GPL-2.0
/* Pod socket hooks on the pods' parent cgroup: connect4/6 redirect meshed destinations to the
 * node's mesh outbound listener (recording the original destination), allow egress rules and
 * infrastructure, refuse the rest with EPERM; sendmsg4/6 allow UDP only to the cluster DNS;
 * sockops re-keys the original destination by (pod address, source port) at TCP_CONNECT_CB and
 * removes it when the socket closes. */
#include "vmlinux.h"
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#include "bpf/c8s_maps.h"
#include "bpf/c8s_policy.h"

char LICENSE[] SEC("license") = "GPL";

#define C8S_AF_INET 2
#define C8S_AF_INET6 10
#define C8S_SOCK_STREAM 1

struct c8s_dst {
  __u8 family;
  __u8 proto;
  __u16 port; /* network order */
  __u32 addr[4];
};

static __always_inline int c8s_is_loopback(const struct c8s_dst *d) {
  if (d->family == C8S_FAM_V4) return (bpf_ntohl(d->addr[0]) >> 24) == 127;
  return d->addr[0] == 0 && d->addr[1] == 0 && d->addr[2] == 0 && d->addr[3] == bpf_htonl(1);
}

/* The verdict for a pod socket towards d. *redirect is set when the caller must rewrite the
 * destination to the listener in *cfg_out. */
static __always_inline __u32 c8s_sock_verdict(const struct c8s_dst *d, __u8 dir,
                                              struct c8s_slot_config **cfg_out) {
  if (c8s_is_loopback(d)) return C8S_R_ALLOW_LOOPBACK;
  __u32 slot;
  if (!c8s_active_slot(&slot)) return C8S_R_DENY_NO_POLICY;
  struct c8s_slot_config *cfg = bpf_map_lookup_elem(&c8s_slot_config, &slot);
  if (!cfg) return C8S_R_DENY_NO_POLICY;
  *cfg_out = cfg;
  __u32 kind = c8s_infra_kind(slot, C8S_DIR_EGRESS, d->family, d->proto, d->port, d->addr);
  /* Pods reach the cluster DNS and the API server (also at a service address inside the meshed
   * ranges, hence before the mesh check); a peer's mesh port only through the proxy; CDS,
   * metadata and time are the node's own. */
  if (C8S_INFRA_POD_REACHABLE(kind)) return C8S_R_ALLOW_INFRA;
  if (kind == C8S_INFRA_MESH_PEER) return C8S_R_DENY_MESH_NOT_PROXY;
  if (kind != 0) return C8S_R_DENY_NODE_ONLY;
  if (d->proto == C8S_PROTO_UDP) return C8S_R_DENY_UDP_NOT_DNS;
  if (d->proto == C8S_PROTO_TCP && c8s_is_meshed(slot, d->family, d->addr))
    return cfg->redirect_port ? C8S_R_REDIRECT_MESH : C8S_R_DENY_MESH_NO_REDIRECT;
  if (c8s_rule_allows(slot, d->family, d->addr, d->proto, d->proto == C8S_PROTO_TCP ? d->port : 0))
    return C8S_R_ALLOW_RULE;
  return C8S_R_DENY_NO_RULE;
}

static __always_inline void c8s_sock_event(const struct c8s_dst *d, __u8 dir, __u32 reason) {
  struct c8s_deny_event ev = {.version = C8S_LAYOUT_VERSION, .dir = dir, .reason = reason,
                              .family = d->family, .proto = d->proto,
                              .ts_ns = bpf_ktime_get_ns(), .cgroup_id = bpf_get_current_cgroup_id(),
                              .dport = d->port};
  __builtin_memcpy(ev.daddr, d->addr, 16);
  c8s_emit_deny(&ev);
}

/* Reads the destination of ctx; IPv4-mapped IPv6 becomes IPv4 so it gets the IPv4 policy. */
static __always_inline void c8s_read_dst(struct bpf_sock_addr *ctx, struct c8s_dst *d, int v6) {
  d->proto = ctx->type == C8S_SOCK_STREAM ? C8S_PROTO_TCP : (__u8)ctx->protocol;
  if (d->proto == 0) d->proto = ctx->type == C8S_SOCK_STREAM ? C8S_PROTO_TCP : C8S_PROTO_UDP;
  d->port = (__u16)ctx->user_port;
  if (!v6) {
    d->family = C8S_FAM_V4;
    d->addr[0] = ctx->user_ip4;
    return;
  }
  __u32 a0 = ctx->user_ip6[0], a1 = ctx->user_ip6[1], a2 = ctx->user_ip6[2];
  __u32 a3 = ctx->user_ip6[3];
  if (a0 == 0 && a1 == 0 && a2 == bpf_htonl(0xffff)) {
    d->family = C8S_FAM_V4;
    d->addr[0] = a3;
    return;
  }
  d->family = C8S_FAM_V6;
  d->addr[0] = a0;
  d->addr[1] = a1;
  d->addr[2] = a2;
  d->addr[3] = a3;
}

static __always_inline int c8s_sock_hook(struct bpf_sock_addr *ctx, int v6, __u8 dir) {
  struct c8s_dst d = {};
  c8s_read_dst(ctx, &d, v6);
  struct c8s_slot_config *cfg = 0;
  __u32 reason = c8s_sock_verdict(&d, dir, &cfg);
  if (reason == C8S_R_REDIRECT_MESH && cfg) {
    if (d.family == C8S_FAM_V6 && cfg->redirect_ip6[0] == 0 && cfg->redirect_ip6[1] == 0 &&
        cfg->redirect_ip6[2] == 0 && cfg->redirect_ip6[3] == 0) {
      reason = C8S_R_DENY_MESH_NO_REDIRECT;
    } else {
      struct c8s_orig_dst o = {.family = d.family, .port = d.port};
      __builtin_memcpy(o.addr, d.addr, 16);
      __u64 cookie = bpf_get_socket_cookie(ctx);
      if (bpf_map_update_elem(&c8s_orig_by_cookie, &cookie, &o, BPF_ANY) != 0) {
        reason = C8S_R_DENY_CT_FULL;
      } else if (!v6) {
        ctx->user_ip4 = cfg->redirect_ip4;
      } else if (d.family == C8S_FAM_V4) { /* IPv4-mapped: stay on the mapped listener */
        ctx->user_ip6[0] = 0;
        ctx->user_ip6[1] = 0;
        ctx->user_ip6[2] = bpf_htonl(0xffff);
        ctx->user_ip6[3] = cfg->redirect_ip4;
      } else {
        ctx->user_ip6[0] = cfg->redirect_ip6[0];
        ctx->user_ip6[1] = cfg->redirect_ip6[1];
        ctx->user_ip6[2] = cfg->redirect_ip6[2];
        ctx->user_ip6[3] = cfg->redirect_ip6[3];
      }
      if (reason == C8S_R_REDIRECT_MESH) ctx->user_port = cfg->redirect_port;
    }
  }
  c8s_count(dir, reason, 0);
  if (reason < C8S_R_FIRST_DENY) return 1;
  c8s_sock_event(&d, dir, reason);
  return 0; /* EPERM */
}

SEC("cgroup/connect4")
int c8s_connect4(struct bpf_sock_addr *ctx) { return c8s_sock_hook(ctx, 0, C8S_DIR_CONNECT); }

SEC("cgroup/connect6")
int c8s_connect6(struct bpf_sock_addr *ctx) { return c8s_sock_hook(ctx, 1, C8S_DIR_CONNECT); }

SEC("cgroup/sendmsg4")
int c8s_sendmsg4(struct bpf_sock_addr *ctx) { return c8s_sock_hook(ctx, 0, C8S_DIR_SENDMSG); }

SEC("cgroup/sendmsg6")
int c8s_sendmsg6(struct bpf_sock_addr *ctx) { return c8s_sock_hook(ctx, 1, C8S_DIR_SENDMSG); }

static __always_inline void c8s_local_tuple(struct bpf_sock_ops *ops, struct c8s_sock_tuple *t) {
  t->port = bpf_htons((__u16)ops->local_port); /* local_port is in host order */
  if (ops->family == C8S_AF_INET) {
    t->family = C8S_FAM_V4;
    t->addr[0] = ops->local_ip4;
    return;
  }
  __u32 a0 = ops->local_ip6[0], a1 = ops->local_ip6[1], a2 = ops->local_ip6[2];
  __u32 a3 = ops->local_ip6[3];
  if (a0 == 0 && a1 == 0 && a2 == bpf_htonl(0xffff)) {
    t->family = C8S_FAM_V4; /* the proxy sees an IPv4 peer */
    t->addr[0] = a3;
    return;
  }
  t->family = C8S_FAM_V6;
  t->addr[0] = a0;
  t->addr[1] = a1;
  t->addr[2] = a2;
  t->addr[3] = a3;
}

SEC("sockops")
int c8s_sockops(struct bpf_sock_ops *ops) {
  struct c8s_sock_tuple t = {};
  if (ops->op == BPF_SOCK_OPS_TCP_CONNECT_CB) {
    __u64 cookie = bpf_get_socket_cookie(ops);
    struct c8s_orig_dst *o = bpf_map_lookup_elem(&c8s_orig_by_cookie, &cookie);
    if (!o) return 1;
    c8s_local_tuple(ops, &t);
    struct c8s_orig_dst copy = *o;
    bpf_map_update_elem(&c8s_orig_by_tuple, &t, &copy, BPF_ANY);
    bpf_map_delete_elem(&c8s_orig_by_cookie, &cookie);
    bpf_sock_ops_cb_flags_set(ops, ops->bpf_sock_ops_cb_flags | BPF_SOCK_OPS_STATE_CB_FLAG);
  } else if (ops->op == BPF_SOCK_OPS_STATE_CB && ops->args[1] == BPF_TCP_CLOSE) {
    c8s_local_tuple(ops, &t);
    bpf_map_delete_elem(&c8s_orig_by_tuple, &t);
  }
  return 1;
}
