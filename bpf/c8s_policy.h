/* Policy lookups shared by the TC and the socket programs. Each is a fixed number of map
 * lookups: one LPM trie lookup (cost bounded by the address length, not the rule count) that
 * yields a rule set, then at most two hash lookups (exact port, any port) in c8s_ports.
 *   __u32 kind = c8s_policy_lookup(slot, C8S_FAM_V4, daddr, C8S_PROTO_TCP, dport);
 *   if (kind == 0) allow_rule(); else if (kind != C8S_POLICY_NONE) infra(kind);
 */
#ifndef C8S_BPF_POLICY_H_
#define C8S_BPF_POLICY_H_

#include "bpf/c8s_maps.h"

#define C8S_POLICY_NONE 0xffffffffu

/* What allows (addr, proto, port) towards the outside: 0 for an egress rule, an enum
 * c8s_infra_kind for an infrastructure endpoint or a peer's mesh port, C8S_POLICY_NONE when
 * nothing does. The exact port's entry carries the strongest kind of that port (the compiler
 * gives a peer's mesh port precedence over any rule), so it is consulted before port 0. */
static __always_inline __u32 c8s_policy_lookup(__u32 slot, __u8 family, const __u32 *addr,
                                               __u8 proto, __u16 port) {
  struct c8s_lpm_key k;
  k.prefixlen = C8S_LPM_PREFIX_BITS + (family == C8S_FAM_V4 ? 32 : 128);
  k.slot = slot;
  k.family = family;
  k.pad[0] = 0;
  k.pad[1] = 0;
  k.addr[0] = addr[0];
  if (family == C8S_FAM_V6) {
    k.addr[1] = addr[1];
    k.addr[2] = addr[2];
    k.addr[3] = addr[3];
  } else {
    k.addr[1] = 0;
    k.addr[2] = 0;
    k.addr[3] = 0;
  }
  struct c8s_lpm_value *v = bpf_map_lookup_elem(&c8s_rules, &k);
  if (!v) return C8S_POLICY_NONE;
  __u32 count = v->count;
  if (count <= C8S_LPM_INLINE_PORTS) { /* small rule set: no hash lookup at all */
    __u32 exact = C8S_POLICY_NONE, any = C8S_POLICY_NONE;
#pragma unroll
    for (int i = 0; i < C8S_LPM_INLINE_PORTS; i++) {
      struct c8s_port_entry e = v->ports[i];
      if ((__u32)i < count && e.proto == proto) {
        if (e.port == port) exact = e.kind;
        else if (e.port == 0) any = e.kind;
      }
    }
    return exact != C8S_POLICY_NONE ? exact : any;
  }
  struct c8s_port_key pk = {.rule_set = v->rule_set, .slot = slot, .proto = proto, .port = port};
  struct c8s_port_value *pv = bpf_map_lookup_elem(&c8s_ports, &pk);
  if (pv) return pv->kind;
  if (port == 0) return C8S_POLICY_NONE;
  pk.port = 0;
  pv = bpf_map_lookup_elem(&c8s_ports, &pk);
  return pv ? pv->kind : C8S_POLICY_NONE;
}

/* True when an egress rule (not an infrastructure entry) allows the destination. */
static __always_inline int c8s_rule_allows(__u32 slot, __u8 family, const __u32 *addr,
                                           __u8 proto, __u16 port) {
  return c8s_policy_lookup(slot, family, addr, proto, port) == 0;
}

static __always_inline int c8s_is_meshed(__u32 slot, __u8 family, const __u32 *addr) {
  struct c8s_lpm_key k = {};
  k.slot = slot;
  k.family = family;
  k.prefixlen = C8S_LPM_PREFIX_BITS + (family == C8S_FAM_V4 ? 32 : 128);
  k.addr[0] = addr[0];
  if (family == C8S_FAM_V6) {
    k.addr[1] = addr[1];
    k.addr[2] = addr[2];
    k.addr[3] = addr[3];
  }
  return bpf_map_lookup_elem(&c8s_mesh_cidrs, &k) != 0;
}

/* Kind of the infrastructure entry (enum c8s_infra_kind) or 0. addr NULL: any-source entry. */
static __always_inline __u32 c8s_infra_kind(__u32 slot, __u8 dir, __u8 family, __u8 proto,
                                            __u16 port, const __u32 *addr) {
  struct c8s_infra_key k = {.slot = slot, .dir = dir, .family = family, .proto = proto,
                            .port = port};
  if (addr) {
    k.addr[0] = addr[0];
    if (family == C8S_FAM_V6) {
      k.addr[1] = addr[1];
      k.addr[2] = addr[2];
      k.addr[3] = addr[3];
    }
  }
  struct c8s_infra_value *v = bpf_map_lookup_elem(&c8s_infra, &k);
  return v ? v->kind : 0;
}

#endif /* C8S_BPF_POLICY_H_ */
