// Loads the c8s BPF objects against a pin root and attaches them, keeping the loaded programs
// so that interfaces appearing later can get them too (the supervisor's job). Every attachment
// is a pinned link: `links/tc-<if>-egress|ingress` on uplinks, `links/pod-<if>-out|in` on pods'
// host-side interfaces, `links/cg-<hook>` on the pods' parent cgroup. A pinned link found for
// the same interface (same ifindex) or cgroup is re-adopted and gets the freshly loaded program
// (atomic swap); a pin left by an interface that is gone is replaced.
//
//   ASSIGN_OR_RETURN(auto loader, Loader::Open({.pin_root = "/sys/fs/bpf/c8s"}));
//   RETURN_IF_ERROR(loader->AttachInterface("eth0", InterfaceRole::kUplink));
//   RETURN_IF_ERROR(loader->AttachPodCgroup("/sys/fs/cgroup/kubepods"));
#pragma once

#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "node-agent/ebpf/objects.h"
#include "node-agent/ebpf/policy_maps.h"

namespace c8s::ebpf {

enum class InterfaceRole { kUplink, kPod };
const char* RoleName(InterfaceRole role);

struct LoaderOptions {
  std::string pin_root;
  uint64_t events_per_sec = 100;
  uint32_t ct_entries = 0;  // 0: C8S_MAX_CT
};

// An interface link pinned under links/: which interface and role it was made for.
struct PinnedInterface {
  std::string pin;     // file name, e.g. "tc-eth0-egress"
  std::string ifname;  // from the pin name
  InterfaceRole role = InterfaceRole::kUplink;
  uint32_t ifindex = 0;  // what the link is attached to now; 0: the interface is gone
};

class Loader {
 public:
  // Probes the kernel, mounts bpffs when absent, loads the TC object with maps pinned under
  // <pin_root>/maps and initializes (or checks the version of) the state map.
  static absl::StatusOr<std::unique_ptr<Loader>> Open(const LoaderOptions& opts);

  absl::Status AttachInterface(const std::string& ifname, InterfaceRole role);
  // Loads the socket object (once) and attaches its programs to the cgroup (absolute path).
  absl::Status AttachPodCgroup(const std::string& cgroup_path);
  // The interface links under links/ (for status, displacement checks and clean-up).
  std::vector<PinnedInterface> PinnedInterfaces() const;
  // Removes the pins of interface links whose interface is gone (their links are defunct).
  absl::Status RemoveDefunctPins();

  PolicyMaps& maps() { return *maps_; }
  const std::string& links_dir() const { return links_; }
  const std::string& maps_dir() const { return maps_dir_; }

 private:
  Loader() = default;
  LoaderOptions opts_;
  std::string maps_dir_, links_;
  std::unique_ptr<TcObject> tc_;
  std::unique_ptr<SockObject> sock_;
  std::unique_ptr<PolicyMaps> maps_;
};

}  // namespace c8s::ebpf
