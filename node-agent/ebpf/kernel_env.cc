#include "node-agent/ebpf/kernel_env.h"

#include <bpf/libbpf.h>
#include <linux/magic.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statfs.h>

#include <cerrno>
#include <cstring>
#include <sstream>

#include "lib/base/fd.h"
#include "lib/base/status.h"
#include "lib/base/strings.h"

namespace c8s::ebpf {

absl::Status EnsureBpffs(const std::string& dir) {
  struct statfs st {};
  if (::statfs(dir.c_str(), &st) == 0 && st.f_type == BPF_FS_MAGIC) return absl::OkStatus();
  ::mkdir(dir.c_str(), 0700);
  if (::mount("bpf", dir.c_str(), "bpf", 0, "mode=0700") != 0)
    return ErrnoStatus(StrCat("mount bpffs at ", dir), errno);
  return absl::OkStatus();
}

absl::StatusOr<std::string> FindCgroup2Mount() {
  ASSIGN_OR_RETURN(std::string info, ReadFile("/proc/self/mountinfo"));
  std::istringstream lines(info);
  std::string line;
  while (std::getline(lines, line)) {
    // "id parent maj:min root mountpoint opts [optional...] - fstype source superopts"
    size_t dash = line.find(" - ");
    if (dash == std::string::npos) continue;
    std::istringstream tail(line.substr(dash + 3));
    std::string fstype;
    tail >> fstype;
    if (fstype != "cgroup2") continue;
    std::istringstream head(line.substr(0, dash));
    std::string id, parent, dev, root, mountpoint;
    head >> id >> parent >> dev >> root >> mountpoint;
    if (root == "/") return mountpoint;
  }
  return absl::FailedPreconditionError("no cgroup2 mount in /proc/self/mountinfo");
}

absl::StatusOr<std::string> OwnCgroup2Path() {
  ASSIGN_OR_RETURN(std::string mount, FindCgroup2Mount());
  ASSIGN_OR_RETURN(std::string text, ReadFile("/proc/self/cgroup"));
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.rfind("0::", 0) == 0) return mount + line.substr(3);
  }
  return absl::FailedPreconditionError("no cgroup v2 entry (0::) in /proc/self/cgroup");
}

absl::StatusOr<uint64_t> CgroupId(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return ErrnoStatus(StrCat("stat cgroup ", path), errno);
  return static_cast<uint64_t>(st.st_ino);
}

absl::StatusOr<uint32_t> CgroupLevel(const std::string& path) {
  ASSIGN_OR_RETURN(std::string mount, FindCgroup2Mount());
  if (path.rfind(mount, 0) != 0 || (path.size() > mount.size() && path[mount.size()] != '/'))
    return absl::InvalidArgumentError(StrCat("cgroup ", path, " is not under ", mount));
  uint32_t level = 0;
  bool in_name = false;
  for (char c : path.substr(mount.size())) {
    if (c == '/') {
      in_name = false;
    } else if (!in_name) {
      in_name = true;
      ++level;
    }
  }
  return level;
}

absl::Status ProbeKernelFeatures() {
  struct Need {
    const char* what;
    int ok;
  };
  const Need needs[] = {
      {"BPF_PROG_TYPE_SCHED_CLS", libbpf_probe_bpf_prog_type(BPF_PROG_TYPE_SCHED_CLS, nullptr)},
      {"BPF_PROG_TYPE_CGROUP_SOCK_ADDR",
       libbpf_probe_bpf_prog_type(BPF_PROG_TYPE_CGROUP_SOCK_ADDR, nullptr)},
      {"BPF_PROG_TYPE_SOCK_OPS", libbpf_probe_bpf_prog_type(BPF_PROG_TYPE_SOCK_OPS, nullptr)},
      {"BPF_MAP_TYPE_LPM_TRIE", libbpf_probe_bpf_map_type(BPF_MAP_TYPE_LPM_TRIE, nullptr)},
      {"BPF_MAP_TYPE_LRU_HASH", libbpf_probe_bpf_map_type(BPF_MAP_TYPE_LRU_HASH, nullptr)},
      {"BPF_MAP_TYPE_RINGBUF", libbpf_probe_bpf_map_type(BPF_MAP_TYPE_RINGBUF, nullptr)},
      {"bpf_skb_cgroup_id helper",
       libbpf_probe_bpf_helper(BPF_PROG_TYPE_SCHED_CLS, BPF_FUNC_skb_cgroup_id, nullptr)},
  };
  std::string missing;
  for (const Need& n : needs) {
    if (n.ok != 1) missing += StrCat(missing.empty() ? "" : ", ", n.what);
  }
  struct stat st {};
  if (::stat("/sys/kernel/btf/vmlinux", &st) != 0)
    missing += StrCat(missing.empty() ? "" : ", ", "kernel BTF (/sys/kernel/btf/vmlinux)");
  if (!missing.empty())
    return absl::FailedPreconditionError(
        StrCat("kernel lacks what the c8s data plane needs: ", missing,
               " (needs Linux >= 6.6 with BTF and TCX; running as root with CAP_BPF?)"));
  return absl::OkStatus();
}

void RaiseMemlock() {
  struct rlimit r = {RLIM_INFINITY, RLIM_INFINITY};
  ::setrlimit(RLIMIT_MEMLOCK, &r);
}

}  // namespace c8s::ebpf
