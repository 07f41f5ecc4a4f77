/* Policy lookups shared by the TC and the socket programs. Each is a fixed number of map
 * lookups: one LPM trie lookup (cost bounded by the address length, not the rule count) that
 * yields a rule set, then at most two hash lookups (exact port, any port) in c8s_ports.
 *   if (c8s_rule_allows(slot, C8S_FAM_V4, daddr, C8S_PROTO_TCP, dport)) allow();
 */
#ifndef C8S_BPF_POLICY_H_
#define C8S_BPF_POLICY_H_

#include "bpf/c8s_maps.h"

static __always_inline int c8s_rule_allows(__u32 slot, __u8 family, const __u32 *addr,
                                           __u8 proto, __u16 port) {
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
  struct c8s_lpm_value *v = bpf_map_lookup_elem(&c8s_rules, &k);
  if (!v) return 0;
  struct c8s_port_key pk = {.rule_set = v->rule_set, .slot = slot, .proto = proto, .port = port};
  if (bpf_map_lookup_elem(&c8s_ports, &pk)) return 1;
  pk.port = 0;
  return bpf_map_lookup_elem(&c8s_ports, &pk) != 0;
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
