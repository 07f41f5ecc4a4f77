// Layout of the structs shared with the BPF programs: sizes and offsets are part of the pinned
// map format (C8S_LAYOUT_VERSION), so any change must show up here first.
#include <catch2/catch_test_macros.hpp>
#include <cstddef>
#include <type_traits>

#include "bpf/shared/c8s_structs.h"

namespace {

template <typename T>
constexpr bool kPlain = std::is_trivially_copyable_v<T> && std::is_standard_layout_v<T>;

static_assert(kPlain<c8s_state> && sizeof(c8s_state) == 16);
static_assert(sizeof(c8s_slot_config) == 48);
static_assert(sizeof(c8s_lpm_key) == 24 && offsetof(c8s_lpm_key, addr) == 8);
static_assert(sizeof(c8s_port_key) == 8);
static_assert(sizeof(c8s_port_entry) == 4 && sizeof(c8s_lpm_value) == 8 + 4 * C8S_LPM_INLINE_PORTS);
static_assert(sizeof(c8s_infra_key) == 24 && offsetof(c8s_infra_key, addr) == 8);
static_assert(sizeof(c8s_ct_key) == 40);
static_assert(sizeof(c8s_ct_value) == 16);
static_assert(sizeof(c8s_orig_dst) == 20 && sizeof(c8s_sock_tuple) == 20);
static_assert(sizeof(c8s_deny_event) == 64);
static_assert(sizeof(c8s_counter) == 16 && sizeof(c8s_ratelimit) == 16);

}  // namespace

TEST_CASE("shared BPF structs have the documented offsets", "[unit][bpf]") {
  CHECK(offsetof(c8s_state, version) == 0);
  CHECK(offsetof(c8s_state, active_slot) == 4);
  CHECK(offsetof(c8s_state, generation) == 8);

  CHECK(offsetof(c8s_slot_config, proxy_cgroup_id) == 0);
  CHECK(offsetof(c8s_slot_config, pods_cgroup_id) == 8);
  CHECK(offsetof(c8s_slot_config, pods_cgroup_level) == 16);
  CHECK(offsetof(c8s_slot_config, redirect_ip4) == 20);
  CHECK(offsetof(c8s_slot_config, redirect_port) == 24);
  CHECK(offsetof(c8s_slot_config, redirect_ip6) == 28);
  CHECK(offsetof(c8s_slot_config, pad1) == 44);

  // The LPM prefix covers (slot, family, pad) before the address: 32 bits.
  CHECK(offsetof(c8s_lpm_key, slot) == 4);
  CHECK(offsetof(c8s_lpm_key, family) == 5);
  CHECK(offsetof(c8s_lpm_key, addr) - offsetof(c8s_lpm_key, slot) == C8S_LPM_PREFIX_BITS / 8);

  CHECK(offsetof(c8s_port_key, rule_set) == 0);
  CHECK(offsetof(c8s_port_key, slot) == 4);
  CHECK(offsetof(c8s_port_key, proto) == 5);
  CHECK(offsetof(c8s_port_key, port) == 6);

  CHECK(offsetof(c8s_infra_key, slot) == 0);
  CHECK(offsetof(c8s_infra_key, dir) == 1);
  CHECK(offsetof(c8s_infra_key, port) == 4);

  CHECK(offsetof(c8s_ct_key, sport) == 4);
  CHECK(offsetof(c8s_ct_key, saddr) == 8);
  CHECK(offsetof(c8s_ct_key, daddr) == 24);

  CHECK(offsetof(c8s_orig_dst, port) == 2);
  CHECK(offsetof(c8s_orig_dst, addr) == 4);
  CHECK(offsetof(c8s_sock_tuple, addr) == 4);

  CHECK(offsetof(c8s_deny_event, ts_ns) == 8);
  CHECK(offsetof(c8s_deny_event, cgroup_id) == 16);
  CHECK(offsetof(c8s_deny_event, sport) == 24);
  CHECK(offsetof(c8s_deny_event, ifindex) == 28);
  CHECK(offsetof(c8s_deny_event, saddr) == 32);
  CHECK(offsetof(c8s_deny_event, daddr) == 48);
}

TEST_CASE("counter indexes cover every direction and reason", "[unit][bpf]") {
  CHECK(C8S_COUNTER_INDEX(C8S_DIR_MAX - 1, C8S_REASON_MAX - 1) == C8S_COUNTERS - 1);
  CHECK(C8S_R_FIRST_DENY == C8S_R_DENY_NO_RULE);
  CHECK(C8S_R_REDIRECT_MESH < C8S_R_FIRST_DENY);
  CHECK(C8S_LAYOUT_VERSION >= 1);
}
