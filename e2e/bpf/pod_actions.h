// What a pod process does in the end-to-end tests: each call returns 0 (connected/sent) or the
// errno the kernel gave, so it can be a forked pod child's exit code.
//   int err = ConnectErrno("10.0.0.12", 8443);          // 0, or EPERM from connect4
//   int sent = RawSend(Ipv4("10.244.1.2", "10.0.0.12", IPPROTO_UDP, 9001));
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

namespace c8s::e2e {

struct Ipv4Spec {
  std::string saddr = "", daddr = "";
  uint8_t proto = 17;  // IPPROTO_UDP or IPPROTO_TCP (a SYN)
  uint16_t sport = 40000, dport = 0;
  uint16_t frag_off = 0;  // host order: flags (0x2000 MF) | offset in 8-byte units
};

// An IPv4 packet (header checksum filled in) with a UDP header + 8 bytes or a TCP SYN.
std::vector<uint8_t> Ipv4(const Ipv4Spec& spec);

// An IPv6 packet with a UDP header + 8 bytes (for AF_PACKET rows).
std::vector<uint8_t> Ipv6Udp(const std::string& saddr, const std::string& daddr, uint16_t dport);

// Addresses are IPv4 or IPv6 text (IPv6 when it has a ':'), except where named ip4/ip6.
// Non-blocking connect, waits up to 1 s: 0 when connected, else the error. mapped_v6: an
// AF_INET6 socket to the IPv4-mapped form of the (IPv4) address.
int ConnectErrno(const std::string& ip, uint16_t port, bool mapped_v6 = false);
// Connects (1 s), sends "hello", waits up to 3 s for one byte back: 0 when it came.
int ConnectSendAwait(const std::string& ip, uint16_t port);
// One UDP datagram with sendto.
int UdpSendErrno(const std::string& ip, uint16_t port);
// A raw IPv6 socket (IPPROTO_UDP: the kernel writes the IPv6 header and, above the MTU,
// fragments) sends a UDP header + `payload` bytes.
int RawUdpSend6(const std::string& ip6, uint16_t port, size_t payload);
// TCP Fast Open: sendto(MSG_FASTOPEN) on a fresh socket.
int TfoSendErrno(const std::string& ip, uint16_t port);
// IORING_OP_CONNECT through the raw io_uring syscalls (no liburing).
int IoUringConnectErrno(const std::string& ip, uint16_t port);
// A raw IPv4 socket (IPPROTO_RAW, header included) sends `packet`.
int RawSend(const std::vector<uint8_t>& packet);
// A raw ICMPv6 socket sends a message of `type` (with 32 bytes of body) at `hop_limit`.
int Icmp6Send(const std::string& ip6, uint8_t type, int hop_limit);
// An AF_PACKET socket on `ifname` sends `packet` (IPv4 or IPv6, by its version nibble) in an
// Ethernet frame to `dst_mac`.
int PacketSend(const std::string& ifname, const std::array<uint8_t, 6>& dst_mac,
               const std::vector<uint8_t>& packet);
// Counters shared between a packet generator in a pod and the test (MAP_SHARED memory that
// survives the fork into the pod).
struct FloodControl {
  std::atomic<int> sent{0};
  std::atomic<bool> stop{false};
  static FloodControl* CreateShared();  // never freed: one page per test
};

// Sends `packet` on a raw socket every millisecond until `ctl->stop` (or 60 s), counting
// accepted sends in `ctl->sent`. Returns 0.
int RawFlood(const std::vector<uint8_t>& packet, FloodControl* ctl);

}  // namespace c8s::e2e
