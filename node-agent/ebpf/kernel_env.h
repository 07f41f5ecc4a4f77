// Kernel environment the BPF loader needs: a bpffs mount for pins, the cgroup v2 mount (found in
// /proc/self/mountinfo, never assumed), cgroup ids, and feature probes with clear errors.
//
//   RETURN_IF_ERROR(EnsureBpffs("/sys/fs/bpf"));
//   ASSIGN_OR_RETURN(std::string cg2, FindCgroup2Mount());
//   ASSIGN_OR_RETURN(uint64_t id, CgroupId(cg2 + "/c8s/pods"));
#pragma once

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"

namespace c8s::ebpf {

// Mounts bpffs at `dir` unless a bpffs is mounted there already.
absl::Status EnsureBpffs(const std::string& dir);
// Mount point of the cgroup v2 hierarchy (hybrid hosts: /sys/fs/cgroup/unified).
absl::StatusOr<std::string> FindCgroup2Mount();
// Path of the calling process's cgroup v2 group (from /proc/self/cgroup).
absl::StatusOr<std::string> OwnCgroup2Path();
// cgroup v2 id of a cgroup directory (the kernfs inode number, as bpf_skb_cgroup_id reports).
absl::StatusOr<uint64_t> CgroupId(const std::string& path);
// Depth of a cgroup directory below the cgroup2 root (the root is level 0), as
// bpf_skb_ancestor_cgroup_id counts it; the path must lie under the cgroup2 mount.
absl::StatusOr<uint32_t> CgroupLevel(const std::string& path);
// Checks program/map types and TCX support; the error names what is missing.
absl::Status ProbeKernelFeatures();
// Raises RLIMIT_MEMLOCK for kernels that still charge BPF memory to it.
void RaiseMemlock();

}  // namespace c8s::ebpf
