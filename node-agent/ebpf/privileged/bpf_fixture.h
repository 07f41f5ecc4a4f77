// Test fixture for privileged BPF tests: a private pin directory on bpffs (removed with every
// pin in it, also when the test fails), the TC object loaded against it, and a compiled policy.
//   BpfFixture fx;            // loads c8s_tc with maps pinned under /sys/fs/bpf/c8s-test-<pid>-N
//   fx.Apply(TestPolicy(7, own_cgroup_id));
//   uint32_t ret = fx.Run(fx.tc->egress_fd(), packet);
#pragma once

#include <bpf/bpf.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <catch2/catch_test_macros.hpp>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "lib/base/strings.h"
#include "node-agent/ebpf/bundle_for_test.h"
#include "node-agent/ebpf/kernel_env.h"
#include "node-agent/ebpf/objects.h"
#include "node-agent/ebpf/policy_bundle.h"
#include "node-agent/ebpf/policy_compiler.h"
#include "node-agent/ebpf/policy_maps.h"

namespace c8s::ebpf::testing {

inline constexpr uint32_t kTcxNext = 0xffffffffu;  // TCX_NEXT (-1) as test-run retval
inline constexpr uint32_t kTcxDrop = 2;

// Moves this thread into a new network namespace (loopback up) and back on destruction.
class ScopedNetns {
 public:
  ScopedNetns() {
    original_ = ::open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
    REQUIRE(original_ >= 0);
    REQUIRE(::unshare(CLONE_NEWNET) == 0);
    int s = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    ifreq ifr{};
    std::strcpy(ifr.ifr_name, "lo");
    REQUIRE(::ioctl(s, SIOCGIFFLAGS, &ifr) == 0);
    ifr.ifr_flags |= IFF_UP;
    REQUIRE(::ioctl(s, SIOCSIFFLAGS, &ifr) == 0);
    ::close(s);
  }
  ~ScopedNetns() {
    ::setns(original_, CLONE_NEWNET);
    ::close(original_);
  }
  ScopedNetns(const ScopedNetns&) = delete;
  ScopedNetns& operator=(const ScopedNetns&) = delete;

 private:
  int original_ = -1;
};

// A TCX egress link of prog_fd on ifindex: behind every attached program, or (before) in front.
inline int AttachTcxEgress(int prog_fd, int ifindex, bool before) {
  LIBBPF_OPTS(bpf_link_create_opts, o, .flags = before ? BPF_F_BEFORE : 0u);
  return bpf_link_create(prog_fd, ifindex, BPF_TCX_EGRESS, &o);
}

// A bpffs directory removed recursively on destruction.
class PinDir {
 public:
  PinDir() {
    static std::atomic<int> n{0};
    REQUIRE(EnsureBpffs("/sys/fs/bpf").ok());
    path_ = StrCat("/sys/fs/bpf/c8s-test-", ::getpid(), "-", n++);
    std::filesystem::create_directories(path_ + "/maps");
  }
  ~PinDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  PinDir(const PinDir&) = delete;
  PinDir& operator=(const PinDir&) = delete;
  const std::string& path() const { return path_; }
  std::string maps() const { return path_ + "/maps"; }

 private:
  std::string path_;
};

// The policy the fixture tables are written against (node-1 = 10.0.0.11 is "us").
inline std::string TestBundleJson(uint64_t generation) {
  return testing::BundleJson(testing::Bundle(static_cast<int64_t>(generation),
                                             {{"shop/api",
                                               {testing::Egress("203.0.113.0/24", "TCP", {443}),
                                                testing::Egress("2001:db8::/32", "TCP", {443}),
                                                testing::Egress("198.51.100.0/24", "ICMP")}}}));
}

inline CompiledPolicy TestPolicy(uint64_t generation, uint64_t proxy_cgroup_id,
                                 const std::string& redirect = "",
                                 std::vector<uint16_t> ingress_ports = {}) {
  auto bundle = ParsePolicyBundle(TestBundleJson(generation));
  REQUIRE(bundle.ok());
  NodeSettings node;
  node.node_name = "node-1";
  node.proxy_cgroup_id = proxy_cgroup_id;
  if (!redirect.empty()) node.redirect = *ParseEndpoint(redirect);
  node.ingress_ports = std::move(ingress_ports);
  auto compiled = CompilePolicy(*bundle, node);
  REQUIRE(compiled.ok());
  return *compiled;
}

struct BpfFixture {
  BpfFixture() {
    RaiseMemlock();
    auto loaded = TcObject::Load({pins.maps(), 1000, 300});
    if (!loaded.ok()) FAIL(StatusText(loaded.status()));
    tc = std::move(*loaded);
    auto opened = PolicyMaps::Open(pins.maps());
    REQUIRE(opened.ok());
    maps = std::make_unique<PolicyMaps>(std::move(*opened));
    REQUIRE(maps->InitializeOrCheckVersion().ok());
  }
  void Apply(const CompiledPolicy& p) {
    auto st = maps->Apply(p);
    if (!st.ok()) FAIL(StatusText(st));
  }
  uint32_t Run(int prog_fd, const std::vector<uint8_t>& frame, int repeat = 1) const {
    std::vector<uint8_t> out(frame.size() + 256);
    LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = frame.data(), .data_out = out.data(),
                .data_size_in = static_cast<__u32>(frame.size()),
                .data_size_out = static_cast<__u32>(out.size()), .repeat = repeat);
    int err = bpf_prog_test_run_opts(prog_fd, &opts);
    REQUIRE(err == 0);
    return opts.retval;
  }
  uint64_t Count(uint32_t dir, uint32_t reason) const {
    auto c = maps->Count(dir, reason);
    REQUIRE(c.ok());
    return *c;
  }

  PinDir pins;
  std::unique_ptr<TcObject> tc;
  std::unique_ptr<PolicyMaps> maps;
};

}  // namespace c8s::ebpf::testing
