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

bool IsV6(const WireSignature& sig) {
  return sig.ipv6 || sig.saddr.find(':') != std::string::npos ||
         sig.daddr.find(':') != std::string::npos;
}

bool SameAddr(const uint8_t* at, const std::string& text, bool v6) {
  if (text.empty()) return true;
  uint8_t want[16] = {};
  inet_pton(v6 ? AF_INET6 : AF_INET, text.c_str(), want);
  return std::memcmp(at, want, v6 ? 16 : 4) == 0;
}

bool PortMatches(const uint8_t* l4, const uint8_t* end, uint16_t dport) {
  if (dport == 0) return true;
  if (l4 + 4 > end) return false;
  return static_cast<uint16_t>((l4[2] << 8) | l4[3]) == dport;
}

bool MatchesV4(const uint8_t* f, size_t n, const WireSignature& sig) {
  if (n < 14 + 20 || f[12] != 0x08 || f[13] != 0x00) return false;
  const uint8_t* ip = f + 14;
  if (!SameAddr(ip + 12, sig.saddr, false) || !SameAddr(ip + 16, sig.daddr, false)) return false;
  if (sig.proto != 0 && ip[9] != sig.proto) return false;
  uint16_t frag = static_cast<uint16_t>((ip[6] << 8) | ip[7]) & 0x3fff;
  if (sig.fragments_only) return frag != 0;
  if (sig.dport != 0 && (frag & 0x1fff) != 0) return false;
  return PortMatches(ip + (ip[0] & 0x0f) * 4u, f + n, sig.dport);
}

bool MatchesV6(const uint8_t* f, size_t n, const WireSignature& sig) {
  if (n < 14 + 40 || f[12] != 0x86 || f[13] != 0xdd) return false;
  const uint8_t* ip = f + 14;
  if (!SameAddr(ip + 8, sig.saddr, true) || !SameAddr(ip + 24, sig.daddr, true)) return false;
  if (sig.hop_limit != 0 && ip[7] != sig.hop_limit) return false;
  uint8_t next = ip[6];
  const uint8_t* l4 = ip + 40;
  bool fragment = false, later_fragment = false;
  if (next == 44 && l4 + 8 <= f + n) {  // Fragment header: next, reserved, offset|M, id
    fragment = true;
    later_fragment = (static_cast<uint16_t>((l4[2] << 8) | l4[3]) & 0xfff8) != 0;
    next = l4[0];
    l4 += 8;
  }
  if (sig.proto != 0 && next != sig.proto) return false;
  if (sig.fragments_only) return fragment;
  if (sig.dport != 0 && later_fragment) return false;
  return PortMatches(l4, f + n, sig.dport);
}

bool Matches(const uint8_t* f, size_t n, const WireSignature& sig) {
  return IsV6(sig) ? MatchesV6(f, n, sig) : MatchesV4(f, n, sig);
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
