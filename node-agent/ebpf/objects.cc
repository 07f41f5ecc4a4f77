#include "node-agent/ebpf/objects.h"

#include <bpf/libbpf.h>

#include <cerrno>

#include "c8s_noop.skel.h"
#include "c8s_sock.skel.h"
#include "c8s_tc.skel.h"
#include "lib/base/fd.h"
#include "lib/base/strings.h"

namespace c8s::ebpf {
namespace {

// Opens, configures (rodata, c8s_ct capacity) and loads a skeleton; destroys it on failure.
template <typename Skel, typename OpenFn, typename LoadFn, typename DestroyFn>
absl::StatusOr<Skel*> OpenAndLoad(const char* name, const LoadOptions& opts, OpenFn open,
                                  LoadFn load, DestroyFn destroy, auto set_rodata) {
  LIBBPF_OPTS(bpf_object_open_opts, oo);
  if (!opts.maps_dir.empty()) oo.pin_root_path = opts.maps_dir.c_str();
  Skel* skel = open(&oo);
  if (skel == nullptr) return ErrnoStatus(StrCat("open BPF object ", name), errno);
  set_rodata(skel);
  if (opts.ct_entries != 0) {
    if (int err = bpf_map__set_max_entries(skel->maps.c8s_ct, opts.ct_entries); err != 0) {
      destroy(skel);
      return ErrnoStatus(StrCat("size c8s_ct of ", name), -err);
    }
  }
  if (int err = load(skel); err != 0) {
    destroy(skel);
    return ErrnoStatus(StrCat("load BPF object ", name,
                              " (verifier log above; pinned maps from an incompatible version?)"),
                       -err);
  }
  return skel;
}

}  // namespace

absl::StatusOr<std::unique_ptr<TcObject>> TcObject::Load(const LoadOptions& opts) {
  auto obj = std::unique_ptr<TcObject>(new TcObject());
  auto skel = OpenAndLoad<c8s_tc>(
      "c8s_tc", opts, [](bpf_object_open_opts* o) { return c8s_tc__open_opts(o); },
      [](c8s_tc* s) { return c8s_tc__load(s); }, [](c8s_tc* s) { c8s_tc__destroy(s); },
      [&](c8s_tc* s) {
        s->rodata->c8s_cfg_events_per_sec = opts.events_per_sec;
        s->rodata->c8s_cfg_ct_idle_ns = opts.ct_idle_seconds * 1000000000ull;
      });
  if (!skel.ok()) return skel.status();
  obj->skel_ = *skel;
  return obj;
}

TcObject::~TcObject() { c8s_tc__destroy(skel_); }
int TcObject::egress_fd() const { return bpf_program__fd(skel_->progs.c8s_uplink_egress); }
int TcObject::ingress_fd() const { return bpf_program__fd(skel_->progs.c8s_uplink_ingress); }
bpf_program* TcObject::egress() const { return skel_->progs.c8s_uplink_egress; }
bpf_program* TcObject::ingress() const { return skel_->progs.c8s_uplink_ingress; }
int TcObject::pod_out_fd() const { return bpf_program__fd(skel_->progs.c8s_pod_out); }
int TcObject::pod_in_fd() const { return bpf_program__fd(skel_->progs.c8s_pod_in); }
bpf_program* TcObject::pod_out() const { return skel_->progs.c8s_pod_out; }
bpf_program* TcObject::pod_in() const { return skel_->progs.c8s_pod_in; }

absl::StatusOr<std::unique_ptr<SockObject>> SockObject::Load(const LoadOptions& opts) {
  auto obj = std::unique_ptr<SockObject>(new SockObject());
  auto skel = OpenAndLoad<c8s_sock>(
      "c8s_sock", opts, [](bpf_object_open_opts* o) { return c8s_sock__open_opts(o); },
      [](c8s_sock* s) { return c8s_sock__load(s); }, [](c8s_sock* s) { c8s_sock__destroy(s); },
      [&](c8s_sock* s) {
        s->rodata->c8s_cfg_events_per_sec = opts.events_per_sec;
        s->rodata->c8s_cfg_ct_idle_ns = opts.ct_idle_seconds * 1000000000ull;
      });
  if (!skel.ok()) return skel.status();
  obj->skel_ = *skel;
  return obj;
}

SockObject::~SockObject() { c8s_sock__destroy(skel_); }

bpf_program* SockObject::program(int i) const {
  switch (i) {
    case 0: return skel_->progs.c8s_connect4;
    case 1: return skel_->progs.c8s_connect6;
    case 2: return skel_->progs.c8s_sendmsg4;
    case 3: return skel_->progs.c8s_sendmsg6;
    default: return skel_->progs.c8s_sockops;
  }
}

absl::StatusOr<std::unique_ptr<NoopObject>> NoopObject::Load() {
  auto obj = std::unique_ptr<NoopObject>(new NoopObject());
  obj->skel_ = c8s_noop__open_and_load();
  if (obj->skel_ == nullptr) return ErrnoStatus("load BPF object c8s_noop", errno);
  return obj;
}

NoopObject::~NoopObject() { c8s_noop__destroy(skel_); }
int NoopObject::fd() const { return bpf_program__fd(skel_->progs.c8s_noop); }

}  // namespace c8s::ebpf
