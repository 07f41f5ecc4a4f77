// Counts the IPv4 and IPv6 frames a node puts on the wire: an AF_PACKET socket on the bridge
// namespace's port towards that node (frames arriving from the node only, not those sent to it).
//   WireCapture wire(topo.bridge_ns, "bn1");
//   ... traffic ...
//   CHECK(wire.Drain({.daddr = "10.0.0.12", .proto = IPPROTO_UDP, .dport = 9001}) == 0);
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace c8s::e2e {

// What a bypass row's frames look like; empty/zero fields match anything. IPv6 frames when
// `ipv6` is set or an address is IPv6 text, else IPv4 frames.
struct WireSignature {
  std::string saddr = "";
  std::string daddr = "";
  uint8_t proto = 0;            // IPv6: the upper-layer protocol (after a Fragment header)
  uint16_t dport = 0;           // TCP/UDP destination port (first fragments only)
  bool fragments_only = false;  // IPv4: MF set or a fragment offset; IPv6: a Fragment header
  bool ipv6 = false;
  uint8_t hop_limit = 0;  // IPv6 hop limit (0: any)
};

class WireCapture {
 public:
  WireCapture(const std::string& netns, const std::string& ifname);
  ~WireCapture();
  WireCapture(const WireCapture&) = delete;
  WireCapture& operator=(const WireCapture&) = delete;

  // Waits settle_ms for frames in flight, reads everything captured since the last call and
  // returns how many frames match `sig`. Frames not read by this call are kept for none.
  int Drain(const WireSignature& sig, int settle_ms = 150);
  // Like Drain, but counts for several signatures over the same frames.
  std::vector<int> DrainAll(const std::vector<WireSignature>& sigs, int settle_ms = 150);

 private:
  int fd_ = -1;
};

}  // namespace c8s::e2e
