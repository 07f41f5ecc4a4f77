#include "e2e/bpf/wire_capture.h"

#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch_test_macros.hpp>
#include <cstring>

#include "e2e/bpf/netns_topology.h"

namespace c8s::e2e {
namespace {

uint32_t Addr(const std::string& ip) {
  in_addr a{};
  if (!ip.empty()) inet_pton(AF_INET, ip.c_str(), &a);
  return a.s_addr;
}

bool Matches(const uint8_t* f, size_t n, const WireSignature& sig) {
  if (n < 14 + 20 || f[12] != 0x08 || f[13] != 0x00) return false;
  const uint8_t* ip = f + 14;
  uint32_t saddr, daddr;
  std::memcpy(&saddr, ip + 12, 4);
  std::memcpy(&daddr, ip + 16, 4);
  if (!sig.saddr.empty() && saddr != Addr(sig.saddr)) return false;
  if (!sig.daddr.empty() && daddr != Addr(sig.daddr)) return false;
  if (sig.proto != 0 && ip[9] != sig.proto) return false;
  uint16_t frag = static_cast<uint16_t>((ip[6] << 8) | ip[7]) & 0x3fff;
  if (sig.fragments_only) return frag != 0;
  if (sig.dport != 0) {
    size_t ihl = (ip[0] & 0x0f) * 4u;
    if (frag & 0x1fff || n < 14 + ihl + 4) return false;
    const uint8_t* l4 = ip + ihl;
    if (static_cast<uint16_t>((l4[2] << 8) | l4[3]) != sig.dport) return false;
  }
  return true;
}

}  // namespace

WireCapture::WireCapture(const std::string& netns, const std::string& ifname) {
  InNetns in(netns);
  fd_ = ::socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, htons(ETH_P_ALL));
  REQUIRE(fd_ >= 0);
  int buf = 8 << 20;
  ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUFFORCE, &buf, sizeof(buf));
  sockaddr_ll ll{};
  ll.sll_family = AF_PACKET;
  ll.sll_protocol = htons(ETH_P_ALL);
  ll.sll_ifindex = static_cast<int>(if_nametoindex(ifname.c_str()));
  REQUIRE(ll.sll_ifindex != 0);
  REQUIRE(::bind(fd_, reinterpret_cast<sockaddr*>(&ll), sizeof(ll)) == 0);
}

WireCapture::~WireCapture() {
  if (fd_ >= 0) ::close(fd_);
}

int WireCapture::Drain(const WireSignature& sig, int settle_ms) {
  return DrainAll({sig}, settle_ms)[0];
}

std::vector<int> WireCapture::DrainAll(const std::vector<WireSignature>& sigs, int settle_ms) {
  ::usleep(static_cast<useconds_t>(settle_ms) * 1000);
  std::vector<int> counts(sigs.size(), 0);
  uint8_t frame[2048];
  for (;;) {
    sockaddr_ll from{};
    socklen_t len = sizeof(from);
    ssize_t n = ::recvfrom(fd_, frame, sizeof(frame), 0, reinterpret_cast<sockaddr*>(&from), &len);
    if (n < 0) break;
    if (from.sll_pkttype == PACKET_OUTGOING) continue;  // towards the node, not from it
    for (size_t i = 0; i < sigs.size(); ++i)
      counts[i] += Matches(frame, static_cast<size_t>(n), sigs[i]) ? 1 : 0;
  }
  return counts;
}

}  // namespace c8s::e2e
