#include "node-agent/ebpf/policy_maps.h"

#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include <cerrno>
#include <cstring>

#include "lib/base/status.h"
#include "lib/base/strings.h"

namespace c8s::ebpf {
namespace {

absl::StatusOr<UniqueFd> OpenPinned(const std::string& dir, const char* name) {
  std::string path = StrCat(dir, "/", name);
  int fd = bpf_obj_get(path.c_str());
  if (fd < 0) return ErrnoStatus(StrCat("open pinned map ", path), errno);
  return UniqueFd(fd);
}

absl::Status Update(int fd, const void* key, const void* value, const char* what) {
  if (bpf_map_update_elem(fd, key, value, BPF_ANY) != 0)
    return ErrnoStatus(StrCat("update ", what), errno);
  return absl::OkStatus();
}

// Deletes every key of `fd` whose slot byte (at `slot_offset`) equals `slot`.
template <typename Key>
absl::Status DeleteSlot(int fd, size_t slot_offset, uint32_t slot, const char* what) {
  std::vector<Key> doomed;
  Key cur{}, next{};
  const void* prev = nullptr;
  while (bpf_map_get_next_key(fd, prev, &next) == 0) {
    if (reinterpret_cast<const uint8_t*>(&next)[slot_offset] == slot) doomed.push_back(next);
    cur = next;
    prev = &cur;
  }
  for (const Key& k : doomed) {
    if (bpf_map_delete_elem(fd, &k) != 0 && errno != ENOENT)
      return ErrnoStatus(StrCat("delete from ", what), errno);
  }
  return absl::OkStatus();
}

}  // namespace

const char* ReasonName(uint32_t r) {
  static const char* const kNames[C8S_REASON_MAX] = {
      "allow_mesh",         "allow_infra",        "allow_rule",        "allow_reply",
      "allow_ingress_port", "allow_icmp_control", "allow_arp",         "allow_loopback",
      "redirect_mesh",      "allow_to_pod",       "deny_no_rule",      "deny_mesh_not_proxy",
      "deny_malformed",     "deny_fragment",      "deny_vlan",         "deny_non_ip",
      "deny_ipv6_ext",      "deny_ct_full",       "deny_no_policy",    "deny_mesh_no_redirect",
      "deny_udp_not_dns",   "deny_node_only",     "deny_source_route", "event_suppressed"};
  return r < C8S_REASON_MAX ? kNames[r] : "unknown";
}

const char* DirName(uint32_t d) {
  static const char* const kNames[C8S_DIR_MAX] = {"egress",  "ingress", "connect",
                                                  "sendmsg", "pod_out", "pod_in"};
  return d < C8S_DIR_MAX ? kNames[d] : "unknown";
}

absl::StatusOr<PolicyMaps> PolicyMaps::Open(const std::string& dir) {
  PolicyMaps m;
  ASSIGN_OR_RETURN(m.state_, OpenPinned(dir, "c8s_state"));
  ASSIGN_OR_RETURN(m.slot_config_, OpenPinned(dir, "c8s_slot_config"));
  ASSIGN_OR_RETURN(m.rules_, OpenPinned(dir, "c8s_rules"));
  ASSIGN_OR_RETURN(m.ports_, OpenPinned(dir, "c8s_ports"));
  ASSIGN_OR_RETURN(m.infra_, OpenPinned(dir, "c8s_infra"));
  ASSIGN_OR_RETURN(m.mesh_cidrs_, OpenPinned(dir, "c8s_mesh_cidrs"));
  ASSIGN_OR_RETURN(m.counters_, OpenPinned(dir, "c8s_counters"));
  ASSIGN_OR_RETURN(m.events_, OpenPinned(dir, "c8s_events"));
  ASSIGN_OR_RETURN(m.orig_by_tuple_, OpenPinned(dir, "c8s_orig_by_tuple"));
  return m;
}

absl::StatusOr<c8s_state> PolicyMaps::State() const {
  uint32_t zero = 0;
  c8s_state st{};
  if (bpf_map_lookup_elem(state_.get(), &zero, &st) != 0)
    return ErrnoStatus("read c8s_state", errno);
  return st;
}

absl::Status PolicyMaps::InitializeOrCheckVersion() {
  ASSIGN_OR_RETURN(c8s_state st, State());
  if (st.version == 0) {
    c8s_state fresh{C8S_LAYOUT_VERSION, kNoPolicySlot, 0};
    uint32_t zero = 0;
    return Update(state_.get(), &zero, &fresh, "c8s_state");
  }
  if (st.version != C8S_LAYOUT_VERSION)
    return absl::FailedPreconditionError(StrCat("pinned maps have layout version ", st.version,
                                                ", this agent writes ", C8S_LAYOUT_VERSION,
                                                ": uninstall (or migrate) before installing"));
  return absl::OkStatus();
}

absl::Status PolicyMaps::ClearSlot(uint32_t slot) {
  RETURN_IF_ERROR(
      DeleteSlot<c8s_lpm_key>(rules_.get(), offsetof(c8s_lpm_key, slot), slot, "c8s_rules"));
  RETURN_IF_ERROR(
      DeleteSlot<c8s_port_key>(ports_.get(), offsetof(c8s_port_key, slot), slot, "c8s_ports"));
  RETURN_IF_ERROR(
      DeleteSlot<c8s_infra_key>(infra_.get(), offsetof(c8s_infra_key, slot), slot, "c8s_infra"));
  return DeleteSlot<c8s_lpm_key>(mesh_cidrs_.get(), offsetof(c8s_lpm_key, slot), slot,
                                 "c8s_mesh_cidrs");
}

absl::Status PolicyMaps::Apply(const CompiledPolicy& p) {
  ASSIGN_OR_RETURN(c8s_state st, State());
  if (st.version != C8S_LAYOUT_VERSION)
    return absl::FailedPreconditionError("c8s_state not initialized by this agent version");
  if (st.active_slot != kNoPolicySlot && p.generation < st.generation)
    return absl::FailedPreconditionError(
        StrCat("policy generation ", p.generation, " is lower than the enforced ", st.generation));
  uint32_t next = st.active_slot == 0 ? 1 : 0;
  RETURN_IF_ERROR(ClearSlot(next));  // leftovers of an interrupted update
  auto put = [next](int fd, auto key, const void* value, const char* what) {
    key.slot = static_cast<__u8>(next);
    return Update(fd, &key, value, what);
  };
  c8s_lpm_value one{};
  one.rule_set = 1;
  for (const auto& [k, v] : p.rules) RETURN_IF_ERROR(put(rules_.get(), k, &v, "c8s_rules"));
  for (const auto& [k, v] : p.ports) RETURN_IF_ERROR(put(ports_.get(), k, &v, "c8s_ports"));
  for (const auto& [k, v] : p.infra) RETURN_IF_ERROR(put(infra_.get(), k, &v, "c8s_infra"));
  for (const auto& k : p.mesh_cidrs)
    RETURN_IF_ERROR(put(mesh_cidrs_.get(), k, &one, "c8s_mesh_cidrs"));
  RETURN_IF_ERROR(Update(slot_config_.get(), &next, &p.config, "c8s_slot_config"));
  // The switch: one array update of the state word the programs read.
  c8s_state flipped{C8S_LAYOUT_VERSION, next, p.generation};
  uint32_t zero = 0;
  RETURN_IF_ERROR(Update(state_.get(), &zero, &flipped, "c8s_state"));
  if (st.active_slot <= 1) return ClearSlot(st.active_slot);
  return absl::OkStatus();
}

absl::StatusOr<std::vector<CounterRow>> PolicyMaps::Counters() const {
  int cpus = libbpf_num_possible_cpus();
  if (cpus <= 0) return absl::InternalError("libbpf_num_possible_cpus failed");
  std::vector<c8s_counter> per_cpu(static_cast<size_t>(cpus));
  std::vector<CounterRow> rows;
  for (uint32_t i = 0; i < C8S_COUNTERS; ++i) {
    if (bpf_map_lookup_elem(counters_.get(), &i, per_cpu.data()) != 0)
      return ErrnoStatus("read c8s_counters", errno);
    CounterRow row{i / C8S_REASON_MAX, i % C8S_REASON_MAX, 0, 0};
    for (const c8s_counter& c : per_cpu) {
      row.packets += c.packets;
      row.bytes += c.bytes;
    }
    if (row.packets != 0) rows.push_back(row);
  }
  return rows;
}

absl::StatusOr<uint64_t> PolicyMaps::Count(uint32_t dir, uint32_t reason) const {
  ASSIGN_OR_RETURN(std::vector<CounterRow> rows, Counters());
  for (const CounterRow& r : rows)
    if (r.dir == dir && r.reason == reason) return r.packets;
  return 0;
}

absl::Status PolicyMaps::ResetCounters() {
  int cpus = libbpf_num_possible_cpus();
  std::vector<c8s_counter> zeros(static_cast<size_t>(cpus > 0 ? cpus : 1));
  for (uint32_t i = 0; i < C8S_COUNTERS; ++i)
    RETURN_IF_ERROR(Update(counters_.get(), &i, zeros.data(), "c8s_counters"));
  return absl::OkStatus();
}

absl::StatusOr<Endpoint> PolicyMaps::OriginalDestination(const Endpoint& pod_source) const {
  static constexpr uint8_t kMappedPrefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  c8s_sock_tuple key{};
  key.port = htons(pod_source.port);
  const IpAddr& a = pod_source.addr;
  if (a.family == 6 && std::memcmp(a.bytes, kMappedPrefix, 12) == 0) {
    key.family = C8S_FAM_V4;
    std::memcpy(key.addr, a.bytes + 12, 4);
  } else {
    key.family = a.family == 4 ? C8S_FAM_V4 : C8S_FAM_V6;
    std::memcpy(key.addr, a.bytes, 16);
  }
  c8s_orig_dst orig{};
  if (bpf_map_lookup_elem(orig_by_tuple_.get(), &key, &orig) != 0) {
    if (errno == ENOENT)
      return absl::NotFoundError(
          StrCat("no original destination for ", FormatIp(a), " port ", pod_source.port));
    return ErrnoStatus("lookup c8s_orig_by_tuple", errno);
  }
  Endpoint out;
  out.addr.family = orig.family == C8S_FAM_V4 ? 4 : 6;
  std::memcpy(out.addr.bytes, orig.addr, orig.family == C8S_FAM_V4 ? 4 : 16);
  out.port = ntohs(orig.port);
  return out;
}

}  // namespace c8s::ebpf
