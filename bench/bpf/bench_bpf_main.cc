// c8s-bench-bpf: per-packet cost of the uplink egress program (BPF_PROG_TEST_RUN, repeat 1e6)
// with 10, 1 000 and 100 000 egress rules next to a no-op TC program, and connect() latency to
// a local listener with and without the connect4 program on the caller's cgroup.
#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "lib/base/strings.h"
#include "node-agent/ebpf/kernel_env.h"
#include "node-agent/ebpf/objects.h"
#include "node-agent/ebpf/policy_bundle.h"
#include "node-agent/ebpf/policy_compiler.h"
#include "node-agent/ebpf/policy_maps.h"

namespace {

using namespace c8s::ebpf;  // NOLINT: a benchmark main

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "c8s-bench-bpf: %s\n", what.c_str());
  std::exit(1);
}

// An Ethernet/IPv4/TCP frame to 203.0.113.9:443 (allowed by rule 0 in every rule count): an ACK
// in an established allowed flow, the packet that dominates real traffic; `syn` gives the
// flow's first packet, which also records the reply in the connection-tracking map.
std::vector<uint8_t> Frame(bool syn = false) {
  std::vector<uint8_t> f(14 + 20 + 20, 0);
  f[12] = 0x08;
  uint8_t* ip = &f[14];
  ip[0] = 0x45;
  ip[3] = 40;
  ip[8] = 64;
  ip[9] = 6;
  inet_pton(AF_INET, "10.0.0.11", ip + 12);
  inet_pton(AF_INET, "203.0.113.9", ip + 16);
  uint8_t* tcp = ip + 20;
  tcp[0] = 40000 >> 8;
  tcp[1] = 40000 & 0xff;
  tcp[2] = 443 >> 8;
  tcp[3] = 443 & 0xff;
  tcp[12] = 0x50;
  tcp[13] = syn ? 0x02 : 0x10;
  return f;
}

double NsPerRun(int fd, const std::vector<uint8_t>& frame, int repeat) {
  std::vector<double> samples;
  for (int i = 0; i < 3; ++i) {
    LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = frame.data(),
                .data_size_in = static_cast<__u32>(frame.size()), .repeat = repeat);
    if (bpf_prog_test_run_opts(fd, &o) != 0) Die("bpf_prog_test_run_opts failed");
    samples.push_back(static_cast<double>(o.duration));  // average ns per run
  }
  std::sort(samples.begin(), samples.end());
  return samples[1];
}

PolicyBundle Rules(size_t n) {
  PolicyBundle b;
  b.generation = n;
  std::mt19937 rng(42);
  EgressRule first;
  first.cidr = *ParseCidr("203.0.113.0/24");
  first.ports = {443};
  b.egress.push_back(first);
  for (size_t i = 1; i < n; ++i) {
    EgressRule r;
    r.cidr.addr.family = 4;
    uint32_t a = htonl(0x0b000000u | (rng() & 0x00ffff00u));  // 11.x.y.0/24, disjoint from 203/8
    std::memcpy(r.cidr.addr.bytes, &a, 4);
    r.cidr.prefix = 24;
    r.ports = {static_cast<uint16_t>(1000 + i % 5000)};
    b.egress.push_back(r);
  }
  return b;
}

double ConnectUs(const sockaddr_in& addr, int rounds) {
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < rounds; ++i) {
    int s = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (::connect(s, reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)) != 0)
      Die(c8s::StrCat("connect: ", std::strerror(errno)));
    ::close(s);
  }
  auto d = std::chrono::steady_clock::now() - start;
  return std::chrono::duration<double, std::micro>(d).count() / rounds;
}

// A cgroup v2 group of its own for the connect() measurement: connect4 attached there affects
// only this process. (Attaching to the caller's cgroup, often the root on a shared machine,
// would put every other process's connect() under the benchmark's policy meanwhile.) Static
// storage, so that std::exit in Die() still moves the process back and removes the group.
struct BenchCgroup {
  std::string path, original;
  bool Enter() {
    auto mount = FindCgroup2Mount();
    auto own = OwnCgroup2Path();
    if (!mount.ok() || !own.ok()) return false;
    original = *own;
    path = c8s::StrCat(*mount, "/c8s-bench-", ::getpid());
    if (::mkdir(path.c_str(), 0755) != 0) return false;
    return MoveTo(path);
  }
  bool MoveTo(const std::string& cg) {
    std::ofstream procs(cg + "/cgroup.procs");
    procs << ::getpid() << std::flush;
    return procs.good();
  }
  ~BenchCgroup() {
    if (path.empty()) return;
    MoveTo(original);
    ::rmdir(path.c_str());
  }
};
BenchCgroup g_cgroup;

}  // namespace

int main() {
  RaiseMemlock();
  if (auto st = EnsureBpffs("/sys/fs/bpf"); !st.ok()) Die(c8s::StatusText(st));
  std::string root = c8s::StrCat("/sys/fs/bpf/c8s-bench-", ::getpid());
  std::filesystem::create_directories(root + "/maps");
  struct Cleanup {
    std::string root;
    ~Cleanup() {
      std::error_code ec;
      std::filesystem::remove_all(root, ec);
    }
  } cleanup{root};

  auto tc = TcObject::Load({root + "/maps", 100, 300});
  auto noop = NoopObject::Load();
  auto maps = PolicyMaps::Open(root + "/maps");
  if (!tc.ok() || !noop.ok() || !maps.ok()) Die("loading the BPF objects failed (root?)");
  if (!maps->InitializeOrCheckVersion().ok()) Die("state init failed");
  const int kRepeat = 1000000;
  std::vector<uint8_t> frame = Frame();
  double noop_ns = NsPerRun((*noop)->fd(), frame, kRepeat);
  std::printf("%-28s %10s\n", "program", "ns/packet");
  std::printf("%-28s %10.1f\n", "noop (TCX_NEXT)", noop_ns);
  double ns[3];
  const size_t counts[3] = {10, 1000, 100000};
  for (int i = 0; i < 3; ++i) {
    auto compiled = CompilePolicy(Rules(counts[i]), NodeSettings{});
    if (!compiled.ok() || !maps->Apply(*compiled).ok()) Die("policy apply failed");
    ns[i] = NsPerRun((*tc)->egress_fd(), frame, kRepeat);
    if (maps->Count(C8S_DIR_EGRESS, C8S_R_ALLOW_RULE).value_or(0) == 0)
      Die("benchmark packet was not allowed by rule: measuring the wrong path");
    std::printf("uplink egress, %6zu rules %10.1f\n", counts[i], ns[i]);
  }
  // Not in RESULT: a flow's first packet (policy lookup + conntrack record/refresh) at 100 000.
  double syn_ns = NsPerRun((*tc)->egress_fd(), Frame(true), kRepeat);
  std::printf("%-28s %10.1f\n", "  SYN (records reply), 1e5", syn_ns);

  // connect(): a listener on loopback; the caller in a fresh cgroup with/without connect4.
  int ls = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  if (::bind(ls, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      ::listen(ls, 4096) != 0 || ::getsockname(ls, reinterpret_cast<sockaddr*>(&addr), &len) != 0)
    Die("listener setup failed");
  std::thread drain([ls] {
    for (;;) {
      int c = ::accept(ls, nullptr, nullptr);
      if (c < 0) return;
      ::close(c);
    }
  });
  const int kRounds = 20000;
  if (!g_cgroup.Enter()) Die("cannot create and enter a cgroup v2 group for the connect() test");
  double plain_us = ConnectUs(addr, kRounds);
  auto sock = SockObject::Load({root + "/maps", 100, 300});
  if (!sock.ok()) Die("loading c8s_sock failed");
  int cgfd = ::open(g_cgroup.path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (cgfd < 0) Die("open bench cgroup failed");
  bpf_link* link = bpf_program__attach_cgroup((*sock)->program(0), cgfd);
  if (link == nullptr) Die("attach connect4 failed");
  double hooked_us = ConnectUs(addr, kRounds);
  bpf_link__destroy(link);
  if (maps->Count(C8S_DIR_CONNECT, C8S_R_ALLOW_LOOPBACK).value_or(0) < kRounds)
    Die("connect4 did not see every connect(): measuring the wrong path");
  ::close(cgfd);
  ::shutdown(ls, SHUT_RDWR);
  ::close(ls);
  drain.join();
  std::printf("%-28s %10.2f us\n", "connect() plain", plain_us);
  std::printf("%-28s %10.2f us\n", "connect() with connect4", hooked_us);
  std::printf(
      "RESULT bpf ns_10=%.1f ns_1000=%.1f ns_100000=%.1f noop_ns=%.1f connect_us=%.2f "
      "connect_plain_us=%.2f\n",
      ns[0], ns[1], ns[2], noop_ns, hooked_us, plain_us);
  return 0;
}
