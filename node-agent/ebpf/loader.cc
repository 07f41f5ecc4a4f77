#include "node-agent/ebpf/loader.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <fcntl.h>
#include <net/if.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>

#include "lib/base/fd.h"
#include "lib/base/log.h"
#include "lib/base/status.h"
#include "lib/base/strings.h"
#include "node-agent/ebpf/kernel_env.h"

namespace c8s::ebpf {
namespace {

namespace fs = std::filesystem;

absl::Status MakeDirs(const std::string& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return absl::InternalError(StrCat("create ", dir, ": ", ec.message()));
  return absl::OkStatus();
}

// Pins a fresh link made by `attach` at `pin`; the link outlives our handle.
template <typename AttachFn>
absl::Status AttachAndPin(const std::string& pin, AttachFn attach) {
  bpf_link* link = attach();
  if (link == nullptr) return ErrnoStatus(StrCat("attach for ", pin), errno);
  int err = bpf_link__pin(link, pin.c_str());
  bpf_link__disconnect(link);  // keep it attached when our handle goes away
  bpf_link__destroy(link);
  if (err != 0) return ErrnoStatus(StrCat("pin link ", pin), -err);
  return absl::OkStatus();
}

// Swaps `prog` into the link pinned at `pin`. NotFound when there is no pin.
absl::Status Readopt(const std::string& pin, bpf_program* prog) {
  if (!fs::exists(pin)) return absl::NotFoundError(pin);  // (libbpf would warn about it)
  bpf_link* old = bpf_link__open(pin.c_str());
  if (old == nullptr) return absl::NotFoundError(pin);
  int err = bpf_link__update_program(old, prog);
  bpf_link__disconnect(old);
  bpf_link__destroy(old);
  if (err != 0) return ErrnoStatus(StrCat("swap program of pinned link ", pin), -err);
  log::Info("re-adopted pinned link", {{"pin", pin}});
  return absl::OkStatus();
}

// ifindex a pinned TCX link is attached to; 0 when defunct (interface gone) or unreadable.
uint32_t PinnedTcxIfindex(const std::string& pin) {
  UniqueFd fd(bpf_obj_get(pin.c_str()));
  if (fd.get() < 0) return 0;
  bpf_link_info info{};
  __u32 len = sizeof(info);
  if (bpf_link_get_info_by_fd(fd.get(), &info, &len) != 0 || info.type != BPF_LINK_TYPE_TCX)
    return 0;
  return info.tcx.ifindex;
}

bool StripAffixes(const std::string& name, const std::string& prefix, const std::string& suffix,
                  std::string* middle) {
  if (name.size() <= prefix.size() + suffix.size() || name.rfind(prefix, 0) != 0 ||
      name.compare(name.size() - suffix.size(), suffix.size(), suffix) != 0)
    return false;
  *middle = name.substr(prefix.size(), name.size() - prefix.size() - suffix.size());
  return true;
}

}  // namespace

const char* RoleName(InterfaceRole role) { return role == InterfaceRole::kPod ? "pod" : "uplink"; }

absl::StatusOr<std::unique_ptr<Loader>> Loader::Open(const LoaderOptions& opts) {
  RaiseMemlock();
  RETURN_IF_ERROR(ProbeKernelFeatures());
  RETURN_IF_ERROR(EnsureBpffs("/sys/fs/bpf"));
  auto l = std::unique_ptr<Loader>(new Loader());
  l->opts_ = opts;
  l->maps_dir_ = opts.pin_root + "/maps";
  l->links_ = opts.pin_root + "/links";
  RETURN_IF_ERROR(MakeDirs(l->maps_dir_));
  RETURN_IF_ERROR(MakeDirs(l->links_));
  LoadOptions lo{l->maps_dir_, opts.events_per_sec, 300, opts.ct_entries};
  ASSIGN_OR_RETURN(l->tc_, TcObject::Load(lo));
  ASSIGN_OR_RETURN(PolicyMaps pm, PolicyMaps::Open(l->maps_dir_));
  l->maps_ = std::make_unique<PolicyMaps>(std::move(pm));
  RETURN_IF_ERROR(l->maps_->InitializeOrCheckVersion());
  return l;
}

absl::Status Loader::AttachInterface(const std::string& ifname, InterfaceRole role) {
  int ifindex = static_cast<int>(if_nametoindex(ifname.c_str()));
  if (ifindex == 0) return ErrnoStatus(StrCat("interface ", ifname), errno);
  struct Hook {
    bpf_program* prog;
    const char* suffix;
  };
  // Uplink: egress = leaving the node. Pod: TCX ingress of its host-side end = leaving the pod.
  const bool pod = role == InterfaceRole::kPod;
  const Hook egress_hook = pod ? Hook{tc_->pod_in(), "-in"} : Hook{tc_->egress(), "-egress"};
  const Hook ingress_hook = pod ? Hook{tc_->pod_out(), "-out"} : Hook{tc_->ingress(), "-ingress"};
  const std::vector<PinnedInterface> pinned = PinnedInterfaces();
  for (bool egress : {true, false}) {
    const Hook& h = egress ? egress_hook : ingress_hook;
    const std::string prefix = pod ? "pod-" : "tc-";
    std::string pin = StrCat(links_, "/", prefix, ifname, h.suffix);
    // Renamed since we attached (CNIs rename veths): TCX refuses the same program twice on a
    // hook, so the link moves to the new name instead.
    for (const PinnedInterface& p : pinned) {
      if (fs::exists(pin) || p.ifname == ifname || p.role != role ||
          p.ifindex != static_cast<uint32_t>(ifindex) || p.pin != prefix + p.ifname + h.suffix)
        continue;
      std::string old = StrCat(links_, "/", p.pin);
      if (::rename(old.c_str(), pin.c_str()) != 0)
        return ErrnoStatus(StrCat("move pin ", old, " to ", pin), errno);
      log::Info("interface renamed, pin moved", {{"from", p.pin}, {"interface", ifname}});
    }
    if (fs::exists(pin)) {
      if (PinnedTcxIfindex(pin) == static_cast<uint32_t>(ifindex)) {
        RETURN_IF_ERROR(Readopt(pin, h.prog));
        continue;
      }
      // The pin belongs to an earlier interface of that name (gone; its link is defunct).
      if (::unlink(pin.c_str()) != 0) return ErrnoStatus(StrCat("unpin stale ", pin), errno);
    }
    RETURN_IF_ERROR(AttachAndPin(pin, [&] {
      // BPF_F_BEFORE without a relative program: in front of every program on the hook.
      LIBBPF_OPTS(bpf_tcx_opts, to, .flags = BPF_F_BEFORE);
      return bpf_program__attach_tcx(h.prog, ifindex, &to);
    }));
  }
  log::Info("programs attached",
            {{"interface", ifname}, {"role", RoleName(role)}, {"ifindex", ifindex}});
  return absl::OkStatus();
}

absl::Status Loader::AttachPodCgroup(const std::string& cgroup_path) {
  UniqueFd cg(::open(cgroup_path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (cg.get() < 0) return ErrnoStatus(StrCat("open pod cgroup ", cgroup_path), errno);
  if (sock_ == nullptr) {
    ASSIGN_OR_RETURN(sock_,
                     SockObject::Load({maps_dir_, opts_.events_per_sec, 300, opts_.ct_entries}));
  }
  for (int i = 0; i < kSockProgramCount; ++i) {
    bpf_program* prog = sock_->program(i);
    std::string pin = StrCat(links_, "/cg-", kSockPrograms[i]);
    absl::Status st = Readopt(pin, prog);
    if (absl::IsNotFound(st)) {
      st = AttachAndPin(pin, [&] { return bpf_program__attach_cgroup(prog, cg.get()); });
    }
    RETURN_IF_ERROR(st);
  }
  return absl::OkStatus();
}

std::vector<PinnedInterface> Loader::PinnedInterfaces() const {
  std::vector<PinnedInterface> out;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(links_, ec)) {
    PinnedInterface p;
    p.pin = entry.path().filename().string();
    bool known = false;
    for (const char* suffix : {"-egress", "-ingress"})
      known = known || StripAffixes(p.pin, "tc-", suffix, &p.ifname);
    if (!known) {
      p.role = InterfaceRole::kPod;
      for (const char* suffix : {"-out", "-in"})
        known = known || StripAffixes(p.pin, "pod-", suffix, &p.ifname);
    }
    if (!known) continue;
    p.ifindex = PinnedTcxIfindex(entry.path().string());
    out.push_back(std::move(p));
  }
  return out;
}

absl::Status Loader::RemoveDefunctPins() {
  for (const PinnedInterface& p : PinnedInterfaces()) {
    if (p.ifindex != 0) continue;
    std::string path = StrCat(links_, "/", p.pin);
    if (::unlink(path.c_str()) != 0 && errno != ENOENT)
      return ErrnoStatus(StrCat("unpin defunct ", path), errno);
    log::Info("interface gone, pin removed", {{"interface", p.ifname}, {"pin", p.pin}});
  }
  return absl::OkStatus();
}

}  // namespace c8s::ebpf
