// Install / status / re-adopt / uninstall through the loader, in a private network namespace
// (TCX on its loopback): pinned links keep enforcing after every agent object is gone.
#include "node-agent/ebpf/data_plane.h"

#include <bpf/bpf.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch_test_macros.hpp>
#include <cstring>
#include <filesystem>
#include <vector>

#include "lib/base/fd.h"
#include "lib/base/strings.h"
#include "node-agent/ebpf/objects.h"
#include "node-agent/ebpf/privileged/bpf_fixture.h"
#include "test/support/test_env.h"

namespace c8s::ebpf::testing {
namespace {

// Fixed so the policy can open it: on loopback the ingress hook also sees our own SYN.
constexpr uint16_t kListenPort = 47001;

// A non-blocking connect to a local listener: true when the handshake completes in 300 ms.
bool LoopbackConnects() {
  int ls = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(kListenPort);
  int one = 1;
  ::setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  socklen_t len = sizeof(a);
  ::bind(ls, reinterpret_cast<sockaddr*>(&a), sizeof(a));
  ::listen(ls, 4);
  ::getsockname(ls, reinterpret_cast<sockaddr*>(&a), &len);
  int s = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  ::connect(s, reinterpret_cast<sockaddr*>(&a), sizeof(a));
  ::usleep(300000);
  int err = 0;
  socklen_t elen = sizeof(err);
  ::getsockopt(s, SOL_SOCKET, SO_ERROR, &err, &elen);
  sockaddr_in peer{};
  socklen_t plen = sizeof(peer);
  bool connected = err == 0 && ::getpeername(s, reinterpret_cast<sockaddr*>(&peer), &plen) == 0;
  ::close(s);
  ::close(ls);
  return connected;
}

// Generation 1 of the fixture policy plus an egress rule for 127.0.0.0/8 and the listener port
// open for ingress (lo sees both directions).
CompiledPolicy LoopbackPolicy() {
  auto bundle = ParsePolicyBundle(TestBundleJson(1));
  REQUIRE(bundle.ok());
  EgressRule lo_rule;
  lo_rule.cidr = *ParseCidr("127.0.0.0/8");
  bundle->egress.push_back(lo_rule);
  NodeSettings node;
  node.ingress_ports = {kListenPort};
  auto compiled = CompilePolicy(*bundle, node);
  REQUIRE(compiled.ok());
  return *compiled;
}

// Program ids on the TCX egress hook of ifindex, in the order they run.
std::vector<uint32_t> TcxEgressChain(int ifindex) {
  __u32 ids[16] = {};
  LIBBPF_OPTS(bpf_prog_query_opts, q, .prog_ids = ids, .count = 16);
  REQUIRE(bpf_prog_query_opts(ifindex, BPF_TCX_EGRESS, &q) == 0);
  return std::vector<uint32_t>(ids, ids + q.count);
}

bpf_prog_info ProgInfo(int prog_fd) {
  bpf_prog_info info{};
  __u32 len = sizeof(info);
  REQUIRE(bpf_prog_get_info_by_fd(prog_fd, &info, &len) == 0);
  return info;
}

const LinkStatus& EgressLink(const DataPlaneStatus& st) {
  for (const LinkStatus& l : st.links) {
    if (l.name == "tc-lo-egress") return l;
  }
  FAIL("no tc-lo-egress link in the status");
  return st.links.front();
}

TEST_CASE("install pins TCX links that enforce without the agent; re-adopt; uninstall",
          "[privileged][bpf]") {
  C8S_REQUIRE_PRIVILEGED_OR_SKIP("TCX attach in a network namespace");
  PinDir pins;
  struct Uninstaller {
    std::string root;
    ~Uninstaller() { (void)Uninstall(root); }
  } uninstaller{pins.path()};
  ScopedNetns netns;
  REQUIRE(LoopbackConnects());

  InstallOptions o;
  o.pin_root = pins.path();
  o.uplinks = {"lo"};
  auto st = Install(o);
  if (!st.ok()) FAIL(StatusText(st));
  // Install returned: no loader object is alive, only the pins. No policy: fail closed.
  CHECK(!LoopbackConnects());
  auto status = GetStatus(pins.path());
  REQUIRE(status.ok());
  REQUIRE(status->links.size() == 2);
  uint32_t prog_before = 0;
  for (const LinkStatus& l : status->links) {
    CHECK(l.first);
    CHECK(l.problem.empty());
    CHECK(l.prog_id != 0);
    prog_before += l.prog_id;
  }
  CHECK(status->state.active_slot == kNoPolicySlot);
  bool counted = false;
  for (const CounterRow& r : status->counters)
    counted |= r.dir == C8S_DIR_EGRESS && r.reason == C8S_R_DENY_NO_POLICY && r.packets > 0;
  CHECK(counted);
  CHECK(FormatStatus(*status).find("tc-lo-egress") != std::string::npos);

  // Allow loopback by an egress rule + ingress port (lo sees both directions): flows again.
  REQUIRE(UpdatePolicy(pins.path(), LoopbackPolicy()).ok());
  CHECK(LoopbackConnects());  // SYN allowed by rule, SYN-ACK/ACK via conntrack both ways

  // A second install (agent restart) re-adopts the pinned links with fresh programs.
  REQUIRE(Install(o).ok());
  auto again = GetStatus(pins.path());
  REQUIRE(again.ok());
  REQUIRE(again->links.size() == 2);
  CHECK(again->state.generation == 1);  // policy survived the restart
  uint32_t prog_after = 0;
  for (const LinkStatus& l : again->links) prog_after += l.prog_id;
  CHECK(prog_after != prog_before);
  CHECK(LoopbackConnects());

  REQUIRE(Uninstall(pins.path()).ok());
  CHECK(!std::filesystem::exists(pins.path() + "/links"));
  CHECK(!std::filesystem::exists(pins.path() + "/maps"));
}

TEST_CASE(
    "TCX: in front of a CNI's program, which still runs for allowed packets only; "
    "a program put before ours is reported as displacement",
    "[privileged][bpf]") {
  C8S_REQUIRE_PRIVILEGED_OR_SKIP("TCX attach in a network namespace");
  PinDir pins;
  struct Uninstaller {
    std::string root;
    ~Uninstaller() { (void)Uninstall(root); }
  } uninstaller{pins.path()};
  ScopedNetns netns;
  const int lo = static_cast<int>(if_nametoindex("lo"));
  REQUIRE(lo > 0);

  // A "CNI" program already on the hook before c8s is installed.
  auto cni = NoopObject::Load();
  if (!cni.ok()) FAIL(StatusText(cni.status()));
  UniqueFd cni_link(AttachTcxEgress((*cni)->fd(), lo, false));
  REQUIRE(cni_link.get() >= 0);
  UniqueFd stats(bpf_enable_stats(BPF_STATS_RUN_TIME));  // run counts while this fd is open
  REQUIRE(stats.get() >= 0);

  InstallOptions o;
  o.pin_root = pins.path();
  o.uplinks = {"lo"};
  if (auto st = Install(o); !st.ok()) FAIL(StatusText(st));
  auto status = GetStatus(pins.path());
  REQUIRE(status.ok());
  const LinkStatus ours = EgressLink(*status);
  CHECK(ours.first);
  CHECK(ours.problem.empty());
  const uint32_t cni_id = ProgInfo((*cni)->fd()).id;
  CHECK(TcxEgressChain(lo) == std::vector<uint32_t>{ours.prog_id, cni_id});

  // Fail closed: what c8s drops never reaches the program behind it...
  const uint64_t runs = ProgInfo((*cni)->fd()).run_cnt;
  CHECK(!LoopbackConnects());
  CHECK(ProgInfo((*cni)->fd()).run_cnt == runs);
  // ...and what it allows continues to it (TCX_NEXT), so the CNI keeps working.
  REQUIRE(UpdatePolicy(pins.path(), LoopbackPolicy()).ok());
  CHECK(LoopbackConnects());
  CHECK(ProgInfo((*cni)->fd()).run_cnt > runs);

  // Another program attached in front of ours afterwards: bpf status says we are displaced.
  auto intruder = NoopObject::Load();
  if (!intruder.ok()) FAIL(StatusText(intruder.status()));
  UniqueFd intruder_link(AttachTcxEgress((*intruder)->fd(), lo, true));
  REQUIRE(intruder_link.get() >= 0);
  const uint32_t intruder_id = ProgInfo((*intruder)->fd()).id;
  auto displaced = GetStatus(pins.path());
  REQUIRE(displaced.ok());
  const LinkStatus& now = EgressLink(*displaced);
  CHECK_FALSE(now.first);
  CHECK(now.problem == StrCat("displaced: program ", intruder_id, " now runs before ours"));
  CHECK(FormatStatus(*displaced).find("tc-lo-egress  link " + std::to_string(now.link_id)) !=
        std::string::npos);
  CHECK(FormatStatus(*displaced).find("PROBLEM: displaced") != std::string::npos);
  for (const LinkStatus& l : displaced->links) {
    if (l.name == "tc-lo-ingress") CHECK(l.problem.empty());
  }
}

}  // namespace
}  // namespace c8s::ebpf::testing
