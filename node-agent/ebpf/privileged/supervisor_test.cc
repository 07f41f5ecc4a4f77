// The data-plane supervisor in a private network namespace with veth "uplinks" and "pods'
// host-side interfaces": the bootstrap policy lets only the node's infrastructure out, an
// interface that appears later gets the programs from the netlink watcher (and loses its pins
// when it goes), denied flows become rate-limited key=value log lines, a program put in front
// of ours shows up as metric and log line, a verified bundle replaces the bootstrap policy, and
// a restarted supervisor keeps the enforced bundle.
#include "node-agent/ebpf/supervisor.h"

#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch_test_macros.hpp>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <string>
#include <vector>

#include "lib/base/fd.h"
#include "lib/base/log.h"
#include "lib/base/strings.h"
#include "node-agent/ebpf/kernel_env.h"
#include "node-agent/ebpf/objects.h"
#include "node-agent/ebpf/privileged/bpf_fixture.h"
#include "test/support/test_env.h"

namespace c8s::ebpf::testing {
namespace {

void Sh(const std::string& cmd) {
  INFO(cmd);
  REQUIRE(std::system((cmd + " >/dev/null 2>&1").c_str()) == 0);
}

// Log lines written by any thread while the capture lives; the default sink afterwards.
class LogCapture {
 public:
  LogCapture() {
    log::SetSink([this](std::string_view line) {
      std::lock_guard<std::mutex> lock(mu_);
      lines_.emplace_back(line);
    });
  }
  ~LogCapture() { log::SetSink(nullptr); }
  // Lines containing every one of `parts`.
  std::vector<std::string> Matching(const std::vector<std::string>& parts) const {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<std::string> out;
    for (const std::string& l : lines_) {
      bool all = true;
      for (const std::string& p : parts) all = all && l.find(p) != std::string::npos;
      if (all) out.push_back(l);
    }
    return out;
  }

 private:
  mutable std::mutex mu_;
  std::vector<std::string> lines_;
};

// Polls `done` for up to 5 s (the worker reacts to netlink and the ring buffer asynchronously;
// the bound only keeps a broken build from hanging, it is not a timing assertion).
template <typename Fn>
bool Eventually(Fn done) {
  for (int i = 0; i < 500; ++i) {
    if (done()) return true;
    ::usleep(10000);
  }
  return done();
}

// Sends one UDP datagram from this thread's namespace; true when the kernel accepted it.
bool SendUdp(const char* ip, uint16_t port) {
  UniqueFd s(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  inet_pton(AF_INET, ip, &a.sin_addr);
  return ::sendto(s.get(), "x", 1, 0, reinterpret_cast<sockaddr*>(&a), sizeof(a)) == 1;
}

// Starts a TCP connect (its SYN leaves through the uplink) without waiting for it.
void StartConnect(const char* ip, uint16_t port) {
  UniqueFd s(::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  inet_pton(AF_INET, ip, &a.sin_addr);
  ::connect(s.get(), reinterpret_cast<sockaddr*>(&a), sizeof(a));
  ::usleep(20000);  // the SYN is transmitted before the socket closes
}

bool Has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

constexpr char kPeer[] = "10.99.0.2";  // "the rest of the network", a static neighbour

SupervisorConfig TestConfig(const std::string& pin_root) {
  SupervisorConfig cfg;
  cfg.pin_root = pin_root;
  cfg.node_name = "node-1";
  cfg.interfaces.uplinks = {"c8sup0"};
  cfg.interfaces.default_route_uplinks = false;
  cfg.interfaces.pod_patterns = {"c8spod*"};
  cfg.bootstrap.cds = {"10.99.0.2:7443"};
  cfg.bootstrap.dns = {"10.99.0.2:53"};
  cfg.bootstrap.api_server = {"10.99.0.2:443"};
  cfg.log_lines_per_sec = 5;
  cfg.events_per_sec = 1000;
  cfg.rescan_ms = 600000;  // only netlink events trigger a rescan during the test
  return cfg;
}

TEST_CASE(
    "supervisor: bootstrap policy, interfaces that appear later, deny log, displacement, "
    "bundle, restart",
    "[privileged][bpf]") {
  C8S_REQUIRE_PRIVILEGED_OR_SKIP("TCX and rtnetlink in a network namespace");
  PinDir pins;
  struct Uninstaller {
    std::string root;
    ~Uninstaller() { (void)Supervisor::Uninstall(root); }
  } uninstaller{pins.path()};
  LogCapture logs;
  ScopedNetns netns;
  // No IPv6 on the test interfaces: their MLD reports would be denied packets of their own.
  Sh("sysctl -w net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1");
  Sh("ip link add c8sup0 type veth peer name c8speer0");
  Sh("ip addr add 10.99.0.1/24 dev c8sup0");
  Sh("ip link set c8sup0 up");
  Sh("ip link set c8speer0 up");
  Sh(StrCat("ip neigh replace ", kPeer, " lladdr 02:00:00:00:00:02 nud permanent dev c8sup0"));

  auto own = OwnCgroup2Path();
  REQUIRE(own.ok());
  auto own_id = CgroupId(*own);
  REQUIRE(own_id.ok());
  SupervisorConfig cfg = TestConfig(pins.path());
  cfg.pod_of_cgroup = [id = *own_id](uint64_t cgroup) {
    return cgroup == id ? std::string("test/sender") : std::string();
  };
  auto started = Supervisor::Start(cfg);
  if (!started.ok()) FAIL(StatusText(started.status()));
  std::unique_ptr<Supervisor> dp = std::move(*started);
  auto maps = PolicyMaps::Open(pins.maps());
  REQUIRE(maps.ok());
  auto count = [&](uint32_t dir, uint32_t reason) {
    auto c = maps->Count(dir, reason);
    REQUIRE(c.ok());
    return *c;
  };

  // The uplink got the programs at start; loopback and the unmatched veth peer did not.
  auto ifaces = dp->Interfaces();
  CHECK(ifaces.size() == 1);
  CHECK(ifaces.count("c8sup0") == 1);
  CHECK(std::filesystem::exists(pins.path() + "/links/tc-c8sup0-egress"));
  CHECK(std::filesystem::exists(pins.path() + "/links/tc-c8sup0-ingress"));

  // Bootstrap (generation 0): the node's infrastructure leaves, nothing else.
  std::string m = dp->MetricsText();
  CHECK(Has(m, "c8s_bpf_policy_generation 0\n"));
  CHECK(Has(m, "c8s_bpf_attached{interface=\"c8sup0\",role=\"uplink\",hook=\"egress\"} 1"));
  uint64_t infra = count(C8S_DIR_EGRESS, C8S_R_ALLOW_INFRA);
  REQUIRE(SendUdp(kPeer, 53));  // DNS
  StartConnect(kPeer, 7443);    // CDS (node-only: this socket is the node's)
  StartConnect(kPeer, 443);     // API server
  CHECK(count(C8S_DIR_EGRESS, C8S_R_ALLOW_INFRA) >= infra + 3);
  uint64_t denied = count(C8S_DIR_EGRESS, C8S_R_DENY_NO_RULE);
  for (int i = 0; i < 50; ++i) REQUIRE(SendUdp(kPeer, 9999));
  CHECK(count(C8S_DIR_EGRESS, C8S_R_DENY_NO_RULE) == denied + 50);
  StartConnect(kPeer, 8443);
  CHECK(count(C8S_DIR_EGRESS, C8S_R_DENY_NO_RULE) > denied + 50);

  // Denied flows: ring buffer -> key=value lines, at most log_lines_per_sec, the rest counted.
  const std::vector<std::string> deny_line = {
      "level=warn",      "msg=\"flow denied\"", "event=egress_denied", "dir=egress",
      "pod=test/sender", "proto=udp",           "dst=10.99.0.2:9999",  "reason=deny_no_rule"};
  REQUIRE(Eventually([&] { return Has(dp->MetricsText(), "c8s_bpf_deny_events_total 51\n"); }));
  auto lines = logs.Matching(deny_line);
  CHECK(!lines.empty());
  CHECK(lines.size() <= 6);  // a bucket of 5, refilled at 5/s while the test runs
  CHECK(Has(lines.front(), StrCat("ifindex=", if_nametoindex("c8sup0"))));
  m = dp->MetricsText();
  CHECK(Has(m, "c8s_bpf_packets_total{dir=\"egress\",reason=\"deny_no_rule\"} 51"));
  CHECK(!Has(m, "c8s_bpf_deny_log_suppressed_total 0\n"));

  // An interface that appears later gets the pod programs through the netlink watcher, and
  // loses them (pins included) when it goes.
  Sh("ip link add c8spod0 type veth peer name c8speer1");
  REQUIRE(Eventually([&] { return dp->Interfaces().count("c8spod0") == 1; }));
  CHECK(dp->Interfaces()["c8spod0"] == InterfaceRole::kPod);
  CHECK(std::filesystem::exists(pins.path() + "/links/pod-c8spod0-out"));
  CHECK(std::filesystem::exists(pins.path() + "/links/pod-c8spod0-in"));
  CHECK(Has(dp->MetricsText(), "c8s_bpf_attached{interface=\"c8spod0\",role=\"pod\""));
  // Renamed (as CNIs do): the links move to the new name (same links, programs swapped).
  Sh("ip link set c8spod0 name c8spod9");
  REQUIRE(Eventually([&] { return dp->Interfaces().count("c8spod9") == 1; }));
  CHECK(dp->Interfaces().count("c8spod0") == 0);
  CHECK(std::filesystem::exists(pins.path() + "/links/pod-c8spod9-out"));
  CHECK(!std::filesystem::exists(pins.path() + "/links/pod-c8spod0-out"));
  CHECK(!std::filesystem::exists(pins.path() + "/links/pod-c8spod0-in"));
  CHECK(logs.Matching({"interface renamed, pin moved", "from=pod-c8spod0-out"}).size() == 1);
  CHECK(logs.Matching({"interface renamed, pin moved", "from=pod-c8spod0-in"}).size() == 1);
  CHECK(logs.Matching({"attach failed"}).empty());
  Sh("ip link add c8sup1 type veth peer name c8speer2");  // not configured: left alone
  Sh("ip link del c8spod9");
  REQUIRE(Eventually([&] { return dp->Interfaces().count("c8spod9") == 0; }));
  CHECK(!std::filesystem::exists(pins.path() + "/links/pod-c8spod9-out"));
  CHECK(dp->Interfaces().count("c8sup1") == 0);

  // Displacement: another program put in front of ours on the uplink's egress.
  auto intruder = NoopObject::Load();
  if (!intruder.ok()) FAIL(StatusText(intruder.status()));
  UniqueFd intruder_link(
      AttachTcxEgress((*intruder)->fd(), static_cast<int>(if_nametoindex("c8sup0")), true));
  REQUIRE(intruder_link.get() >= 0);
  CHECK(dp->Rescan().ok());
  m = dp->MetricsText();
  CHECK(Has(m, "c8s_bpf_displaced{link=\"tc-c8sup0-egress\"} 1\n"));
  CHECK(Has(m, "c8s_bpf_displaced{link=\"tc-c8sup0-ingress\"} 0\n"));
  CHECK(Has(m, "c8s_bpf_displaced_events_total 1\n"));
  CHECK(logs.Matching({"level=error", "event=bpf_displaced", "link=tc-c8sup0-egress"}).size() == 1);
  CHECK(dp->Rescan().ok());  // still displaced: no second event
  CHECK(Has(dp->MetricsText(), "c8s_bpf_displaced_events_total 1\n"));
  intruder_link.reset();
  CHECK(dp->Rescan().ok());
  CHECK(Has(dp->MetricsText(), "c8s_bpf_displaced{link=\"tc-c8sup0-egress\"} 0\n"));
  CHECK(logs.Matching({"first on the hook again", "link=tc-c8sup0-egress"}).size() == 1);

  // A verified bundle replaces the bootstrap policy; its infrastructure is authoritative.
  manifest::PolicyBundle bundle =
      Bundle(3, {{"shop/api", {Egress("10.99.0.0/24", "UDP", {9999})}}});
  if (auto st = dp->ApplyBundle(bundle); !st.ok()) FAIL(StatusText(st));
  CHECK(Has(dp->MetricsText(), "c8s_bpf_policy_generation 3\n"));
  uint64_t rule = count(C8S_DIR_EGRESS, C8S_R_ALLOW_RULE);
  REQUIRE(SendUdp(kPeer, 9999));
  CHECK(count(C8S_DIR_EGRESS, C8S_R_ALLOW_RULE) == rule + 1);
  denied = count(C8S_DIR_EGRESS, C8S_R_DENY_NO_RULE);
  REQUIRE(SendUdp(kPeer, 53));  // the bundle's DNS is 10.0.0.10: the bootstrap entry is gone
  CHECK(count(C8S_DIR_EGRESS, C8S_R_DENY_NO_RULE) == denied + 1);
  auto older = dp->ApplyBundle(Bundle(2, {}));
  CHECK(!older.ok());
  CHECK(Has(dp->MetricsText(), "c8s_bpf_policy_generation 3\n"));

  // Agent restart: programs stay attached meanwhile; the new supervisor keeps generation 3
  // instead of putting the bootstrap policy back, and re-adopts the uplink's links.
  dp->Stop();
  dp.reset();
  rule = count(C8S_DIR_EGRESS, C8S_R_ALLOW_RULE);
  denied = count(C8S_DIR_EGRESS, C8S_R_DENY_NO_RULE);
  REQUIRE(SendUdp(kPeer, 9999));
  REQUIRE(SendUdp(kPeer, 9998));
  CHECK(count(C8S_DIR_EGRESS, C8S_R_ALLOW_RULE) == rule + 1);
  CHECK(count(C8S_DIR_EGRESS, C8S_R_DENY_NO_RULE) == denied + 1);
  started = Supervisor::Start(cfg);
  if (!started.ok()) FAIL(StatusText(started.status()));
  dp = std::move(*started);
  CHECK(Has(dp->MetricsText(), "c8s_bpf_policy_generation 3\n"));
  CHECK(logs.Matching({"keeping the enforced policy", "generation=3"}).size() == 1);
  CHECK(logs.Matching({"re-adopted pinned link", "tc-c8sup0-egress"}).size() == 1);
  CHECK(dp->Interfaces().count("c8sup0") == 1);
  rule = count(C8S_DIR_EGRESS, C8S_R_ALLOW_RULE);
  REQUIRE(SendUdp(kPeer, 9999));
  CHECK(count(C8S_DIR_EGRESS, C8S_R_ALLOW_RULE) == rule + 1);
  dp.reset();
}

}  // namespace
}  // namespace c8s::ebpf::testing
