#include "e2e/bpf/netns_topology.h"

#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch_test_macros.hpp>
#include <cstdlib>
#include <cstring>
#include <fstream>

#include "lib/base/strings.h"
#include "node-agent/ebpf/kernel_env.h"

namespace c8s::e2e {

Cleanups::~Cleanups() {
  for (auto it = fns_.rbegin(); it != fns_.rend(); ++it) (*it)();
}

InNetns::InNetns(const std::string& name) {
  original_ = ::open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
  REQUIRE(original_ >= 0);
  int fd = OpenNetns(name);
  REQUIRE(fd >= 0);
  int rc = ::setns(fd, CLONE_NEWNET);
  ::close(fd);
  REQUIRE(rc == 0);
}

InNetns::~InNetns() {
  ::setns(original_, CLONE_NEWNET);
  ::close(original_);
}

void Sh(const std::string& cmd) {
  int rc = std::system((cmd + " >/dev/null 2>&1").c_str());
  INFO("command: " << cmd);
  REQUIRE(rc == 0);
}

int OpenNetns(const std::string& name) {
  return ::open(("/run/netns/" + name).c_str(), O_RDONLY | O_CLOEXEC);
}

int WaitChild(pid_t pid, int timeout_ms) {
  int status = 0;
  for (int waited = 0;; waited += 5) {
    pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid) break;
    if (r < 0) return -1;
    if (waited >= timeout_ms) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      break;
    }
    ::usleep(5000);
  }
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  return 128 + WTERMSIG(status);
}

namespace {

void MakeCgroup(Cleanups& c, const std::string& path) {
  REQUIRE(::mkdir(path.c_str(), 0755) == 0);
  c.Add([path] { ::rmdir(path.c_str()); });
}

void AddNetns(Cleanups& c, const std::string& name) {
  Sh("ip netns add " + name);
  c.Add([name] { (void)std::system(("ip netns del " + name + " >/dev/null 2>&1").c_str()); });
  // No duplicate address detection: IPv6 works the moment an address is added (link-local
  // addresses included, which neighbour discovery needs).
  Sh(StrCat("ip netns exec ", name,
            " sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0"));
}

// A pod: its namespace, a veth to the node (eth0 inside, p<n>h on the node), addresses, route.
void AddPod(Cleanups& c, const std::string& node_ns, const Pod& pod, const std::string& host_if) {
  AddNetns(c, pod.netns);
  Sh(StrCat("ip -n ", node_ns, " link add ", host_if, " type veth peer name eth0 netns ",
            pod.netns));
  Sh(StrCat("ip -n ", node_ns, " addr add ", pod.gateway, "/24 dev ", host_if));
  Sh(StrCat("ip -n ", node_ns, " link set ", host_if, " up"));
  Sh(StrCat("ip -n ", pod.netns, " addr add ", pod.ip, "/24 dev eth0"));
  Sh(StrCat("ip -n ", pod.netns, " link set eth0 up"));
  Sh(StrCat("ip -n ", pod.netns, " link set lo up"));
  Sh(StrCat("ip -n ", pod.netns, " route add default via ", pod.gateway));
  Sh(StrCat("ip -n ", node_ns, " addr add ", pod.gateway6, "/64 dev ", host_if, " nodad"));
  Sh(StrCat("ip -n ", pod.netns, " addr add ", pod.ip6, "/64 dev eth0 nodad"));
  Sh(StrCat("ip -n ", pod.netns, " -6 route add default via ", pod.gateway6));
}

}  // namespace

Topology::Topology() {
  prefix = StrCat("c8s-", ::getpid());
  bridge_ns = prefix + "-br";
  node1_ns = prefix + "-n1";
  node2_ns = prefix + "-n2";
  pod1 = {prefix + "-p1", "", "10.244.1.2", "10.244.1.1", "fd00:244:1::2", "fd00:244:1::1"};
  pod2 = {prefix + "-p2", "", "10.244.2.2", "10.244.2.1", "fd00:244:2::2", "fd00:244:2::1"};

  auto cg2 = ebpf::FindCgroup2Mount();  // from /proc/self/mountinfo, never assumed
  REQUIRE(cg2.ok());
  pods_cgroup = StrCat(*cg2, "/", prefix, "-pods");
  proxy_cgroup = StrCat(*cg2, "/", prefix, "-proxy");
  pod1.cgroup = pods_cgroup + "/p1";
  pod2.cgroup = pods_cgroup + "/p2";
  MakeCgroup(cleanups, pods_cgroup);
  MakeCgroup(cleanups, proxy_cgroup);
  MakeCgroup(cleanups, pod1.cgroup);
  MakeCgroup(cleanups, pod2.cgroup);

  for (const std::string& ns : {bridge_ns, node1_ns, node2_ns}) AddNetns(cleanups, ns);
  Sh(StrCat("ip -n ", bridge_ns, " link add br0 type bridge"));
  Sh(StrCat("ip -n ", bridge_ns, " link set br0 up"));
  const std::string nodes[2] = {node1_ns, node2_ns};
  for (int i = 0; i < 2; ++i) {
    std::string port = StrCat("bn", i + 1);
    Sh(StrCat("ip -n ", bridge_ns, " link add ", port, " type veth peer name eth0 netns ",
              nodes[i]));
    Sh(StrCat("ip -n ", bridge_ns, " link set ", port, " master br0 up"));
    Sh(StrCat("ip -n ", nodes[i], " addr add 10.0.0.1", i + 1, "/24 dev eth0"));
    Sh(StrCat("ip -n ", nodes[i], " link set eth0 up"));
    Sh(StrCat("ip -n ", nodes[i], " link set lo up"));
    Sh(StrCat("ip -n ", nodes[i], " addr add fd00::1", i + 1, "/64 dev eth0 nodad"));
    Sh(StrCat("ip netns exec ", nodes[i], " sysctl -qw net.ipv4.ip_forward=1"));
    Sh(StrCat("ip netns exec ", nodes[i], " sysctl -qw net.ipv6.conf.all.forwarding=1"));
  }
  AddPod(cleanups, node1_ns, pod1, "p1h");
  AddPod(cleanups, node2_ns, pod2, "p2h");
  Sh(StrCat("ip -n ", node1_ns, " route add 10.244.2.0/24 via 10.0.0.12"));
  Sh(StrCat("ip -n ", node2_ns, " route add 10.244.1.0/24 via 10.0.0.11"));
  Sh(StrCat("ip -n ", node1_ns, " -6 route add fd00:244:2::/64 via fd00::12"));
  Sh(StrCat("ip -n ", node2_ns, " -6 route add fd00:244:1::/64 via fd00::11"));
  // Without enforcement node 1 would forward whatever a pod sends, even packets forging the
  // node's own address: the kernel's martian and reverse-path checks must not be what stops
  // the bypass rows, the BPF programs must.
  for (const char* conf : {"all", "default", "p1h"}) {
    Sh(StrCat("ip netns exec ", node1_ns, " sysctl -qw net.ipv4.conf.", conf, ".rp_filter=0"));
    Sh(StrCat("ip netns exec ", node1_ns, " sysctl -qw net.ipv4.conf.", conf, ".accept_local=1"));
  }

  InNetns in(node1_ns);
  int s = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  ifreq ifr{};
  std::strcpy(ifr.ifr_name, "p1h");
  REQUIRE(::ioctl(s, SIOCGIFHWADDR, &ifr) == 0);
  ::close(s);
  std::memcpy(pod1_gateway_mac.data(), ifr.ifr_hwaddr.sa_data, 6);
}

Topology::~Topology() {
  // A child still in a pod cgroup would keep the cgroup from being removed.
  for (pid_t pid : children_) {
    int status = 0;
    if (::waitpid(pid, &status, WNOHANG) != 0) continue;  // reaped already, or just exited
    ::kill(pid, SIGKILL);
    ::waitpid(pid, &status, 0);
  }
}

pid_t Topology::StartInPod(const Pod& pod, const std::function<int()>& fn) const {
  int netns = OpenNetns(pod.netns);
  REQUIRE(netns >= 0);
  pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    // The child: no Catch2 here, only an exit code.
    std::ofstream procs(pod.cgroup + "/cgroup.procs");
    procs << "0" << std::flush;
    if (!procs || ::setns(netns, CLONE_NEWNET) != 0) ::_exit(120);
    ::_exit(fn());
  }
  ::close(netns);
  children_.push_back(pid);
  return pid;
}

}  // namespace c8s::e2e
