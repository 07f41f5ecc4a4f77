/* Map definitions shared by every c8s BPF object. Pinned by name (LIBBPF_PIN_BY_NAME) under the
 * loader's pin root, so the TC and the socket objects share one set of maps and a restarted
 * agent re-adopts them.
 *   __u32 slot; if (!c8s_active_slot(&slot)) return deny(C8S_R_DENY_NO_POLICY);
 */
#ifndef C8S_BPF_MAPS_H_
#define C8S_BPF_MAPS_H_

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

#include "bpf/shared/c8s_structs.h"

struct {
  __uint(type, BPF_MAP_TYPE_ARRAY);
  __uint(max_entries, 1);
  __type(key, __u32);
  __type(value, struct c8s_state);
  __uint(pinning, LIBBPF_PIN_BY_NAME);
} c8s_state SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_ARRAY);
  __uint(max_entries, 2);
  __type(key, __u32);
  __type(value, struct c8s_slot_config);
  __uint(pinning, LIBBPF_PIN_BY_NAME);
} c8s_slot_config SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_LPM_TRIE);
  __uint(max_entries, C8S_MAX_LPM_RULES);
  __type(key, struct c8s_lpm_key);
  __type(value, struct c8s_lpm_value);
  __uint(map_flags, BPF_F_NO_PREALLOC);
  __uint(pinning, LIBBPF_PIN_BY_NAME);
} c8s_rules SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __uint(max_entries, C8S_MAX_PORT_RULES);
  __type(key, struct c8s_port_key);
  __type(value, struct c8s_port_value);
  __uint(pinning, LIBBPF_PIN_BY_NAME);
} c8s_ports SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __uint(max_entries, C8S_MAX_INFRA);
  __type(key, struct c8s_infra_key);
  __type(value, struct c8s_infra_value);
  __uint(pinning, LIBBPF_PIN_BY_NAME);
} c8s_infra SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_LPM_TRIE);
  __uint(max_entries, C8S_MAX_MESH_CIDRS);
  __type(key, struct c8s_lpm_key);
  __type(value, struct c8s_lpm_value);
  __uint(map_flags, BPF_F_NO_PREALLOC);
  __uint(pinning, LIBBPF_PIN_BY_NAME);
} c8s_mesh_cidrs SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_LRU_HASH);
  __uint(max_entries, C8S_MAX_CT);
  __type(key, struct c8s_ct_key);
  __type(value, struct c8s_ct_value);
  __uint(pinning, LIBBPF_PIN_BY_NAME);
} c8s_ct SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_LRU_HASH);
  __uint(max_entries, C8S_MAX_SOCKS);
  __type(key, __u64);
  __type(value, struct c8s_orig_dst);
  __uint(pinning, LIBBPF_PIN_BY_NAME);
} c8s_orig_by_cookie SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_LRU_HASH);
  __uint(max_entries, C8S_MAX_SOCKS);
  __type(key, struct c8s_sock_tuple);
  __type(value, struct c8s_orig_dst);
  __uint(pinning, LIBBPF_PIN_BY_NAME);
} c8s_orig_by_tuple SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
  __uint(max_entries, C8S_COUNTERS);
  __type(key, __u32);
  __type(value, struct c8s_counter);
  __uint(pinning, LIBBPF_PIN_BY_NAME);
} c8s_counters SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
  __uint(max_entries, 1);
  __type(key, __u32);
  __type(value, struct c8s_ratelimit);
  __uint(pinning, LIBBPF_PIN_BY_NAME);
} c8s_event_budget SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_RINGBUF);
  __uint(max_entries, C8S_EVENTS_BYTES);
  __uint(pinning, LIBBPF_PIN_BY_NAME);
} c8s_events SEC(".maps");

/* Load-time configuration (set by the loader in .rodata before load). */
const volatile __u64 c8s_cfg_events_per_sec = 100; /* per CPU */
const volatile __u64 c8s_cfg_ct_idle_ns = 300ull * 1000000000ull;

/* Reads the live slot; false when no policy was ever installed (callers deny). */
static __always_inline int c8s_active_slot(__u32 *slot) {
  __u32 zero = 0;
  struct c8s_state *st = bpf_map_lookup_elem(&c8s_state, &zero);
  if (!st || st->active_slot > 1) return 0;
  *slot = st->active_slot;
  return 1;
}

static __always_inline void c8s_count(__u32 dir, __u32 reason, __u64 bytes) {
  __u32 idx = C8S_COUNTER_INDEX(dir, reason);
  struct c8s_counter *c = bpf_map_lookup_elem(&c8s_counters, &idx);
  if (c) {
    c->packets++;
    c->bytes += bytes;
  }
}

/* Emits a deny event unless this CPU already sent c8s_cfg_events_per_sec in this second. */
static __always_inline void c8s_emit_deny(const struct c8s_deny_event *ev) {
  __u32 zero = 0;
  struct c8s_ratelimit *rl = bpf_map_lookup_elem(&c8s_event_budget, &zero);
  if (!rl) return;
  __u64 now = bpf_ktime_get_ns();
  if (now - rl->window_start_ns > 1000000000ull) {
    rl->window_start_ns = now;
    rl->count = 0;
  }
  if (rl->count >= c8s_cfg_events_per_sec ||
      bpf_ringbuf_output(&c8s_events, (void *)ev, sizeof(*ev), 0) != 0) {
    c8s_count(ev->dir, C8S_R_EVENT_SUPPRESSED, 0);
    return;
  }
  rl->count++;
}

#endif /* C8S_BPF_MAPS_H_ */
