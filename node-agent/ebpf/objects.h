// The compiled c8s BPF objects, opened from their bpftool skeletons (this file's .cc is the only
// code that includes *.skel.h). Maps are pinned by name under `maps_dir`, so every object loaded
// with the same directory shares one set of maps, and a new load re-adopts pinned maps.
//
//   ASSIGN_OR_RETURN(auto tc, TcObject::Load({.maps_dir = "/sys/fs/bpf/c8s/maps"}));
//   int egress = tc->egress_fd();   // attach, or run with bpf_prog_test_run_opts
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/statusor.h"

struct c8s_tc;
struct c8s_sock;
struct c8s_noop;
struct bpf_program;

namespace c8s::ebpf {

struct LoadOptions {
  std::string maps_dir;             // bpffs directory for the pinned maps
  uint64_t events_per_sec = 100;    // deny events per CPU and second
  uint64_t ct_idle_seconds = 300;   // connection-tracking idle timeout
  uint32_t ct_entries = 0;          // c8s_ct capacity; 0 = C8S_MAX_CT (every object: the same)
};

class TcObject {
 public:
  static absl::StatusOr<std::unique_ptr<TcObject>> Load(const LoadOptions& opts);
  ~TcObject();
  int egress_fd() const;
  int ingress_fd() const;
  bpf_program* egress() const;
  bpf_program* ingress() const;
  // A pod's host-side interface: what leaves the pod (TCX ingress there), what goes to it.
  int pod_out_fd() const;
  int pod_in_fd() const;
  bpf_program* pod_out() const;
  bpf_program* pod_in() const;

 private:
  c8s_tc* skel_ = nullptr;
};

class SockObject {
 public:
  static absl::StatusOr<std::unique_ptr<SockObject>> Load(const LoadOptions& opts);
  ~SockObject();
  // connect4, connect6, sendmsg4, sendmsg6, sockops (in that order; kSockPrograms names them).
  bpf_program* program(int i) const;

 private:
  c8s_sock* skel_ = nullptr;
};
inline constexpr int kSockProgramCount = 5;
inline constexpr const char* kSockPrograms[kSockProgramCount] = {"connect4", "connect6",
                                                                 "sendmsg4", "sendmsg6", "sockops"};

// A TC program that only returns TCX_NEXT: the benchmark's baseline.
class NoopObject {
 public:
  static absl::StatusOr<std::unique_ptr<NoopObject>> Load();
  ~NoopObject();
  int fd() const;

 private:
  c8s_noop* skel_ = nullptr;
};

}  // namespace c8s::ebpf
