/* Connection tracking for the TC programs: our own LRU map rather than the kernel's conntrack
 * kfuncs, so enforcement does not depend on nf_conntrack being loaded or on a CNI's settings.
 * An allowed packet records the packet its flow allows next (the reply direction); an entry
 * idle for c8s_cfg_ct_idle_ns no longer counts. When the map is full the LRU evicts the least
 * recently used flow: that flow's replies are then dropped (fail closed), never let through.
 *   if (c8s_ct_hit(C8S_DIR_INGRESS, &f)) return C8S_R_ALLOW_REPLY;
 *   return c8s_ct_allow(C8S_DIR_INGRESS, &f, C8S_R_ALLOW_RULE);  // egress f: reply comes in
 */
#ifndef C8S_BPF_CT_H_
#define C8S_BPF_CT_H_

#include "bpf/c8s_maps.h"
#include "bpf/c8s_parse.h"

static __always_inline void c8s_ct_key_of(struct c8s_ct_key *k, __u8 dir,
                                          const struct c8s_flow *f, int reverse) {
  k->family = f->family;
  k->proto = f->proto;
  k->dir = dir;
  k->pad = 0;
  k->sport = reverse ? f->dport : f->sport;
  k->dport = reverse ? f->sport : f->dport;
  __builtin_memcpy(k->saddr, reverse ? f->daddr : f->saddr, 16);
  __builtin_memcpy(k->daddr, reverse ? f->saddr : f->daddr, 16);
}

/* True when a live entry expects this packet (seen in direction dir); refreshes it. */
static __always_inline int c8s_ct_hit(__u8 dir, const struct c8s_flow *f) {
  struct c8s_ct_key k;
  c8s_ct_key_of(&k, dir, f, 0);
  struct c8s_ct_value *v = bpf_map_lookup_elem(&c8s_ct, &k);
  if (!v) return 0;
  __u64 now = bpf_ktime_get_ns();
  if (now - v->last_seen_ns > c8s_cfg_ct_idle_ns) return 0;
  v->last_seen_ns = now;
  return 1;
}

/* Records that the reply of packet f, to be seen in direction reply_dir, is allowed; returns
 * `reason`, or C8S_R_DENY_CT_FULL when the entry cannot be stored (the packet is then dropped). */
static __always_inline __u32 c8s_ct_allow(__u8 reply_dir, const struct c8s_flow *f,
                                          __u32 reason) {
  struct c8s_ct_key k;
  c8s_ct_key_of(&k, reply_dir, f, 1);
  __u64 now = bpf_ktime_get_ns();
  struct c8s_ct_value *v = bpf_map_lookup_elem(&c8s_ct, &k);
  if (v) {
    v->last_seen_ns = now;
    return reason;
  }
  struct c8s_ct_value nv = {.last_seen_ns = now, .reason = reason};
  if (bpf_map_update_elem(&c8s_ct, &k, &nv, BPF_ANY) != 0) return C8S_R_DENY_CT_FULL;
  return reason;
}

#endif /* C8S_BPF_CT_H_ */
