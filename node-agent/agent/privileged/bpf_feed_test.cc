// The agent's host of the eBPF data plane (BpfFeed over ebpf::Supervisor) in a private network
// namespace: before any bundle the bootstrap policy lets the node reach the CDS the agent is
// configured with (added to bpf.bootstrap automatically) and nothing else; a verified bundle
// then replaces it, a lower generation is refused and counted, and the data plane's metrics
// are the agent's.
#include "node-agent/agent/bpf_feed.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch_test_macros.hpp>
#include <cstdlib>

#include "lib/base/fd.h"
#include "lib/base/strings.h"
#include "node-agent/ebpf/privileged/bpf_fixture.h"
#include "node-agent/ebpf/supervisor.h"
#include "test/support/test_env.h"

namespace c8s::agent {
namespace {

void Sh(const std::string& cmd) {
  INFO(cmd);
  REQUIRE(std::system((cmd + " >/dev/null 2>&1").c_str()) == 0);
}

// Starts a TCP connect (its SYN leaves through the uplink) without waiting for it.
void StartConnect(const char* ip, uint16_t port) {
  UniqueFd s(::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  ::inet_pton(AF_INET, ip, &a.sin_addr);
  ::connect(s.get(), reinterpret_cast<sockaddr*>(&a), sizeof(a));
  ::usleep(20000);  // the SYN is transmitted before the socket closes
}

bool Has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST_CASE("agent hosts the data plane: bootstrap reaches the CDS, bundles replace it",
          "[privileged]") {
  C8S_REQUIRE_PRIVILEGED_OR_SKIP("TCX and rtnetlink in a network namespace");
  ebpf::testing::PinDir pins;
  struct Uninstaller {
    std::string root;
    ~Uninstaller() { (void)ebpf::Supervisor::Uninstall(root); }
  } uninstaller{pins.path()};
  ebpf::testing::ScopedNetns netns;
  Sh("sysctl -w net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1");
  Sh("ip link add c8sup0 type veth peer name c8speer0");
  Sh("ip addr add 10.99.0.1/24 dev c8sup0");
  Sh("ip link set c8sup0 up");
  Sh("ip link set c8speer0 up");
  Sh("ip neigh replace 10.99.0.2 lladdr 02:00:00:00:00:02 nud permanent dev c8sup0");

  BpfConfig c;
  c.enabled = true;
  c.pin_root = pins.path();
  c.uplinks = {"c8sup0"};
  c.default_route_uplinks = false;
  c.pod_patterns = std::vector<std::string>{"c8spod*"};
  c.bootstrap.dns = {"10.99.0.2:53"};
  auto started = BpfFeed::Start(c, "node-1", "10.99.0.2:7443");
  if (!started.ok()) FAIL(StatusText(started.status()));
  std::unique_ptr<BpfFeed> feed = std::move(*started);
  auto maps = ebpf::PolicyMaps::Open(pins.maps());
  REQUIRE(maps.ok());
  auto count = [&](uint32_t dir, uint32_t reason) {
    auto n = maps->Count(dir, reason);
    REQUIRE(n.ok());
    return *n;
  };

  // Generation 0: the CDS from the agent's configuration passes, another port does not.
  CHECK(Has(feed->MetricsText(), "c8s_bpf_policy_generation 0\n"));
  uint64_t infra = count(C8S_DIR_EGRESS, C8S_R_ALLOW_INFRA);
  uint64_t denied = count(C8S_DIR_EGRESS, C8S_R_DENY_NO_RULE);
  StartConnect("10.99.0.2", 7443);
  CHECK(count(C8S_DIR_EGRESS, C8S_R_ALLOW_INFRA) > infra);
  CHECK(count(C8S_DIR_EGRESS, C8S_R_DENY_NO_RULE) == denied);
  StartConnect("10.99.0.2", 7444);
  CHECK(count(C8S_DIR_EGRESS, C8S_R_DENY_NO_RULE) > denied);

  // A verified bundle replaces the bootstrap policy; its infrastructure is authoritative.
  manifest::PolicyBundle bundle = ebpf::testing::Bundle(3, {{"shop/api", {}}});
  feed->Apply({std::make_shared<manifest::PolicyBundle>(bundle), "", false});
  CHECK(feed->applied() == 1);
  CHECK(feed->generation() == 3);
  CHECK(Has(feed->MetricsText(), "c8s_bpf_policy_generation 3\n"));
  infra = count(C8S_DIR_EGRESS, C8S_R_ALLOW_INFRA);
  denied = count(C8S_DIR_EGRESS, C8S_R_DENY_NO_RULE);
  StartConnect("10.99.0.2", 7443);  // no longer the CDS: the bundle names 10.0.0.5:7443
  CHECK(count(C8S_DIR_EGRESS, C8S_R_DENY_NO_RULE) > denied);
  CHECK(count(C8S_DIR_EGRESS, C8S_R_ALLOW_INFRA) == infra);

  // A lower generation never reaches the maps; the failure is counted, not fatal.
  feed->Apply({std::make_shared<manifest::PolicyBundle>(ebpf::testing::Bundle(2, {})), "", false});
  CHECK(feed->failed() == 1);
  CHECK(feed->generation() == 3);
  CHECK(Has(feed->MetricsText(), "c8s_bpf_policy_generation 3\n"));
  feed->Stop();
}

}  // namespace
}  // namespace c8s::agent
