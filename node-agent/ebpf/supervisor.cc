#include "node-agent/ebpf/supervisor.h"

#include <bpf/libbpf.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include <cstring>
#include <mutex>
#include <set>
#include <thread>

#include "lib/base/fd.h"
#include "lib/base/log.h"
#include "lib/base/status.h"
#include "lib/base/strings.h"
#include "node-agent/ebpf/bootstrap_policy.h"
#include "node-agent/ebpf/data_plane.h"
#include "node-agent/ebpf/kernel_env.h"
#include "node-agent/ebpf/link_watcher.h"
#include "node-agent/ebpf/loader.h"
#include "node-agent/ebpf/metrics.h"
#include "node-agent/ebpf/policy_compiler.h"

namespace c8s::ebpf {
namespace {

uint64_t MonotonicNs() {
  timespec ts{};
  ::clock_gettime(CLOCK_MONOTONIC, &ts);  // the clock bpf_ktime_get_ns uses
  return static_cast<uint64_t>(ts.tv_sec) * 1000000000ull + static_cast<uint64_t>(ts.tv_nsec);
}

absl::StatusOr<NodeSettings> NodeSettingsOf(const SupervisorConfig& c) {
  NodeSettings n;
  n.node_name = c.node_name;
  n.redirect = c.redirect;
  n.redirect_v6 = c.redirect_v6;
  n.kubelet_port = c.kubelet_port;
  n.ingress_ports = c.ingress_ports;
  if (!c.proxy_cgroup.empty()) {
    ASSIGN_OR_RETURN(std::string path, ResolveCgroup(c.proxy_cgroup));
    ASSIGN_OR_RETURN(n.proxy_cgroup_id, CgroupId(path));
  }
  if (!c.pod_cgroup.empty()) {
    ASSIGN_OR_RETURN(std::string path, ResolveCgroup(c.pod_cgroup));
    ASSIGN_OR_RETURN(n.pods_cgroup_id, CgroupId(path));
    ASSIGN_OR_RETURN(n.pods_cgroup_level, CgroupLevel(path));
  }
  return n;
}

}  // namespace

class Supervisor::Impl {
 public:
  explicit Impl(const SupervisorConfig& c)
      : config(c), deny_log(c.log_lines_per_sec, c.pod_of_cgroup) {}
  ~Impl() {
    if (ring != nullptr) ring_buffer__free(ring);
  }

  absl::Status Start();
  absl::Status Rescan();
  void CheckDisplacement();  // mu held
  void Run();
  static int OnEvent(void* ctx, void* data, size_t size);

  SupervisorConfig config;
  NodeSettings node;
  mutable std::mutex mu;
  std::unique_ptr<Loader> loader;
  std::map<std::string, std::pair<uint32_t, InterfaceRole>> attached;  // name -> ifindex, role
  std::set<std::string> displaced;
  DenyLog deny_log;
  SupervisorCounters counters;
  ring_buffer* ring = nullptr;
  std::unique_ptr<LinkWatcher> watcher;
  UniqueFd stop_fd;
  std::thread worker;
};

absl::Status Supervisor::Impl::Start() {
  ASSIGN_OR_RETURN(node, NodeSettingsOf(config));
  ASSIGN_OR_RETURN(loader,
                   Loader::Open({config.pin_root, config.events_per_sec, config.ct_entries}));
  ASSIGN_OR_RETURN(c8s_state st, loader->maps().State());
  if (st.active_slot > 1 || st.generation == kBootstrapGeneration) {
    // No verified bundle enforced (first start, or still bootstrapping): the node's own
    // infrastructure only. Applied before attaching so the node never loses its own path.
    ASSIGN_OR_RETURN(CompiledPolicy boot, CompileBootstrapPolicy(config.bootstrap, node));
    RETURN_IF_ERROR(loader->maps().Apply(boot));
    log::Info("bootstrap policy applied", {{"entries", boot.rules.size()}});
  } else {
    log::Info("keeping the enforced policy", {{"generation", st.generation}});
  }
  if (!config.pod_cgroup.empty()) {
    ASSIGN_OR_RETURN(std::string cg, ResolveCgroup(config.pod_cgroup));
    RETURN_IF_ERROR(loader->AttachPodCgroup(cg));
  }
  ASSIGN_OR_RETURN(LinkWatcher w, LinkWatcher::Open());  // before the scan: no event is missed
  watcher = std::make_unique<LinkWatcher>(std::move(w));
  RETURN_IF_ERROR(Rescan());
  ring = ring_buffer__new(loader->maps().events_fd(), &Impl::OnEvent, this, nullptr);
  if (ring == nullptr) return ErrnoStatus("ring buffer on c8s_events", errno);
  stop_fd = UniqueFd(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
  if (stop_fd.get() < 0) return ErrnoStatus("eventfd", errno);
  worker = std::thread([this] { Run(); });
  return absl::OkStatus();
}

absl::Status Supervisor::Impl::Rescan() {
  std::lock_guard<std::mutex> lock(mu);
  std::vector<InterfaceInfo> ifaces = ListInterfaces();
  auto defaults = DefaultRouteInterfaces();
  if (!defaults.ok())
    log::Warn("default routes unreadable", {{"error", std::string(defaults.status().message())}});
  auto roles = ClassifyInterfaces(config.interfaces, ifaces,
                                  defaults.ok() ? *defaults : std::set<std::string>{});
  std::map<std::string, uint32_t> present;
  for (const InterfaceInfo& i : ifaces) present[i.name] = i.ifindex;
  absl::Status first_error;
  for (const auto& [name, role] : roles) {
    auto it = attached.find(name);
    if (it != attached.end() && it->second.first == present[name]) continue;
    absl::Status st = loader->AttachInterface(name, role);
    if (!st.ok()) {
      ++counters.attach_errors;
      log::Error(
          "attach failed",
          {{"interface", name}, {"role", RoleName(role)}, {"error", std::string(st.message())}});
      if (first_error.ok()) first_error = st;
      continue;
    }
    attached[name] = {present[name], role};
  }
  for (auto it = attached.begin(); it != attached.end();) {
    auto p = present.find(it->first);
    it = (p == present.end() || p->second != it->second.first) ? attached.erase(it) : ++it;
  }
  if (absl::Status st = loader->RemoveDefunctPins(); !st.ok() && first_error.ok()) first_error = st;
  ++counters.rescans;
  CheckDisplacement();
  return first_error;
}

void Supervisor::Impl::CheckDisplacement() {
  for (const LinkStatus& l : InspectLinks(config.pin_root)) {
    if (l.first) {
      if (displaced.erase(l.name) != 0) log::Info("first on the hook again", {{"link", l.name}});
      continue;
    }
    if (displaced.insert(l.name).second) {
      ++counters.displaced_events;
      log::Error("data plane displaced", {{"event", "bpf_displaced"},
                                          {"link", l.name},
                                          {"target", l.target},
                                          {"problem", l.problem}});
    }
  }
}

int Supervisor::Impl::OnEvent(void* ctx, void* data, size_t size) {
  auto* self = static_cast<Impl*>(ctx);
  if (size < sizeof(c8s_deny_event)) return 0;
  c8s_deny_event ev{};
  std::memcpy(&ev, data, sizeof(ev));
  std::lock_guard<std::mutex> lock(self->mu);
  self->deny_log.Record(ev, MonotonicNs());
  self->counters.deny_events = self->deny_log.events();
  self->counters.deny_log_suppressed = self->deny_log.suppressed();
  return 0;
}

void Supervisor::Impl::Run() {
  UniqueFd ep(::epoll_create1(EPOLL_CLOEXEC));
  const int fds[3] = {stop_fd.get(), watcher->fd(), ring_buffer__epoll_fd(ring)};
  for (int fd : fds) {
    epoll_event e{};
    e.events = EPOLLIN;
    e.data.fd = fd;
    ::epoll_ctl(ep.get(), EPOLL_CTL_ADD, fd, &e);
  }
  uint64_t next_scan = MonotonicNs() + uint64_t{config.rescan_ms} * 1000000;
  for (;;) {
    uint64_t now = MonotonicNs();
    int timeout = now >= next_scan ? 0 : static_cast<int>((next_scan - now) / 1000000) + 1;
    epoll_event events[3];
    int n = ::epoll_wait(ep.get(), events, 3, timeout);
    bool rescan = MonotonicNs() >= next_scan;
    for (int i = 0; i < n; ++i) {
      int fd = events[i].data.fd;
      if (fd == stop_fd.get()) return;
      if (fd == watcher->fd()) rescan |= watcher->Drain();
      if (fd == fds[2]) ring_buffer__consume(ring);
    }
    if (rescan) {
      (void)Rescan();  // errors are logged and counted there
      next_scan = MonotonicNs() + uint64_t{config.rescan_ms} * 1000000;
    }
  }
}

Supervisor::Supervisor(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Supervisor::~Supervisor() { Stop(); }

absl::StatusOr<std::unique_ptr<Supervisor>> Supervisor::Start(const SupervisorConfig& config) {
  auto impl = std::make_unique<Impl>(config);
  RETURN_IF_ERROR(impl->Start());
  log::Info("data plane supervisor started",
            {{"pin_root", config.pin_root}, {"node", config.node_name}});
  return std::unique_ptr<Supervisor>(new Supervisor(std::move(impl)));
}

absl::Status Supervisor::ApplyBundle(const manifest::PolicyBundle& bundle) {
  ASSIGN_OR_RETURN(PolicyBundle b, FromBundle(bundle));
  ASSIGN_OR_RETURN(CompiledPolicy compiled, CompilePolicy(b, impl_->node));
  std::lock_guard<std::mutex> lock(impl_->mu);
  RETURN_IF_ERROR(impl_->loader->maps().Apply(compiled));
  log::Info("policy applied",
            {{"generation", compiled.generation}, {"trust_domain", bundle.trust_domain}});
  return absl::OkStatus();
}

std::string Supervisor::MetricsText() const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  DataPlaneStatus st;
  if (auto s = impl_->loader->maps().State(); s.ok()) st.state = *s;
  if (auto c = impl_->loader->maps().Counters(); c.ok()) st.counters = std::move(*c);
  st.links = InspectLinks(impl_->config.pin_root);
  return PrometheusText(st, impl_->counters);
}

absl::Status Supervisor::Rescan() { return impl_->Rescan(); }

std::map<std::string, InterfaceRole> Supervisor::Interfaces() const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  std::map<std::string, InterfaceRole> out;
  for (const auto& [name, a] : impl_->attached) out[name] = a.second;
  return out;
}

void Supervisor::Stop() {
  if (impl_ == nullptr || !impl_->worker.joinable()) return;
  uint64_t one = 1;
  (void)::write(impl_->stop_fd.get(), &one, sizeof(one));
  impl_->worker.join();
  ring_buffer__consume(impl_->ring);  // what is left is still logged
  log::Info("data plane supervisor stopped; programs stay attached",
            {{"pin_root", impl_->config.pin_root}});
}

absl::Status Supervisor::Uninstall(const std::string& pin_root) {
  return ebpf::Uninstall(pin_root);
}

}  // namespace c8s::ebpf
