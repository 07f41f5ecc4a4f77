#include "node-agent/ebpf/data_plane.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <fcntl.h>
#include <net/if.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <sstream>

#include "lib/base/fd.h"
#include "lib/base/log.h"
#include "lib/base/status.h"
#include "lib/base/strings.h"
#include "node-agent/ebpf/kernel_env.h"
#include "node-agent/ebpf/loader.h"

namespace c8s::ebpf {
namespace {

namespace fs = std::filesystem;

LinkStatus Inspect(const std::string& name, const std::string& pin) {
  LinkStatus st;
  st.name = name;
  int fd = bpf_obj_get(pin.c_str());
  if (fd < 0) {
    st.problem = "cannot open pinned link";
    return st;
  }
  UniqueFd guard(fd);
  bpf_link_info info{};
  __u32 len = sizeof(info);
  if (bpf_link_get_info_by_fd(fd, &info, &len) != 0) {
    st.problem = "cannot read link info";
    return st;
  }
  st.prog_id = info.prog_id;
  st.link_id = info.id;
  if (info.type == BPF_LINK_TYPE_TCX) {
    bool egress = info.tcx.attach_type == BPF_TCX_EGRESS;
    st.target = StrCat("ifindex ", info.tcx.ifindex, egress ? " egress" : " ingress");
    if (info.tcx.ifindex == 0) st.problem = "interface gone";
    __u32 ids[64] = {};
    LIBBPF_OPTS(bpf_prog_query_opts, q, .prog_ids = ids, .count = 64);
    if (info.tcx.ifindex != 0 &&
        bpf_prog_query_opts(static_cast<int>(info.tcx.ifindex),
                            static_cast<bpf_attach_type>(info.tcx.attach_type), &q) == 0 &&
        q.count > 0 && ids[0] != info.prog_id) {
      st.first = false;
      st.problem = StrCat("displaced: program ", ids[0], " now runs before ours");
    }
  } else if (info.type == BPF_LINK_TYPE_CGROUP) {
    st.target = StrCat("cgroup ", info.cgroup.cgroup_id);
  } else {
    st.target = StrCat("link type ", info.type);
  }
  return st;
}

}  // namespace

absl::StatusOr<std::string> ResolveCgroup(const std::string& path) {
  if (!path.empty() && path[0] == '/') return path;
  ASSIGN_OR_RETURN(std::string mount, FindCgroup2Mount());
  return StrCat(mount, "/", path);
}

absl::Status Install(const InstallOptions& opts) {
  ASSIGN_OR_RETURN(std::unique_ptr<Loader> loader,
                   Loader::Open({opts.pin_root, opts.events_per_sec, opts.ct_entries}));
  for (const std::string& ifname : opts.uplinks)
    RETURN_IF_ERROR(loader->AttachInterface(ifname, InterfaceRole::kUplink));
  for (const std::string& ifname : opts.pod_interfaces)
    RETURN_IF_ERROR(loader->AttachInterface(ifname, InterfaceRole::kPod));
  RETURN_IF_ERROR(loader->RemoveDefunctPins());
  if (opts.pod_cgroup.empty()) return absl::OkStatus();
  ASSIGN_OR_RETURN(std::string cg, ResolveCgroup(opts.pod_cgroup));
  return loader->AttachPodCgroup(cg);
}

absl::Status UpdatePolicy(const std::string& pin_root, const CompiledPolicy& policy) {
  ASSIGN_OR_RETURN(PolicyMaps pm, PolicyMaps::Open(pin_root + "/maps"));
  RETURN_IF_ERROR(pm.Apply(policy));
  log::Info("policy applied", {{"generation", std::to_string(policy.generation)}});
  return absl::OkStatus();
}

absl::StatusOr<DataPlaneStatus> GetStatus(const std::string& pin_root) {
  DataPlaneStatus out;
  ASSIGN_OR_RETURN(PolicyMaps pm, PolicyMaps::Open(pin_root + "/maps"));
  ASSIGN_OR_RETURN(out.state, pm.State());
  ASSIGN_OR_RETURN(out.counters, pm.Counters());
  out.links = InspectLinks(pin_root);
  for (const LinkStatus& l : out.links)
    if (!l.problem.empty()) log::Warn("c8s link problem", {{"link", l.name}, {"problem", l.problem}});
  return out;
}

std::vector<LinkStatus> InspectLinks(const std::string& pin_root) {
  std::vector<LinkStatus> out;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(pin_root + "/links", ec))
    out.push_back(Inspect(entry.path().filename().string(), entry.path().string()));
  std::sort(out.begin(), out.end(),
            [](const LinkStatus& a, const LinkStatus& b) { return a.name < b.name; });
  return out;
}

std::string FormatStatus(const DataPlaneStatus& s) {
  std::ostringstream o;
  o << "layout version: " << s.state.version << "\n";
  if (s.state.active_slot > 1) {
    o << "policy: none installed (everything denied)\n";
  } else {
    o << "policy generation: " << s.state.generation << " (slot " << s.state.active_slot << ")\n";
  }
  o << "attached programs:\n";
  for (const LinkStatus& l : s.links) {
    o << "  " << l.name << "  link " << l.link_id << "  prog " << l.prog_id << "  " << l.target
      << (l.first ? "  first" : "") << (l.problem.empty() ? "" : "  PROBLEM: " + l.problem)
      << "\n";
  }
  o << "counters (packets, bytes):\n";
  for (const CounterRow& r : s.counters)
    o << "  " << DirName(r.dir) << " " << ReasonName(r.reason) << " " << r.packets << " "
      << r.bytes << "\n";
  return o.str();
}

absl::Status Uninstall(const std::string& pin_root) {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(pin_root + "/links", ec)) {
    int fd = bpf_obj_get(entry.path().c_str());
    if (fd >= 0) {
      bpf_link_detach(fd);  // detach now, even if someone else holds a reference
      ::close(fd);
    }
    if (::unlink(entry.path().c_str()) != 0)
      return ErrnoStatus(StrCat("unpin ", entry.path().string()), errno);
  }
  for (const auto& entry : fs::directory_iterator(pin_root + "/maps", ec)) {
    if (::unlink(entry.path().c_str()) != 0)
      return ErrnoStatus(StrCat("unpin ", entry.path().string()), errno);
  }
  ::rmdir((pin_root + "/links").c_str());
  ::rmdir((pin_root + "/maps").c_str());
  ::rmdir(pin_root.c_str());
  return absl::OkStatus();
}

}  // namespace c8s::ebpf
