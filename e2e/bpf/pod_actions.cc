#include "e2e/bpf/pod_actions.h"

#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <linux/io_uring.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <new>

namespace c8s::e2e {
namespace {

sockaddr_in V4(const std::string& ip, uint16_t port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  inet_pton(AF_INET, ip.c_str(), &a.sin_addr);
  return a;
}

uint16_t Checksum(const uint8_t* p, size_t n) {
  uint32_t sum = 0;
  for (size_t i = 0; i + 1 < n; i += 2) sum += static_cast<uint32_t>((p[i] << 8) | p[i + 1]);
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<uint16_t>(~sum);
}

int Errno(int rc) { return rc == 0 ? 0 : errno; }

// An IPv4 or IPv6 (the text has a ':') socket address; its length.
socklen_t Addr(const std::string& ip, uint16_t port, sockaddr_storage* out) {
  *out = {};
  if (ip.find(':') != std::string::npos) {
    auto* a = reinterpret_cast<sockaddr_in6*>(out);
    a->sin6_family = AF_INET6;
    a->sin6_port = htons(port);
    inet_pton(AF_INET6, ip.c_str(), &a->sin6_addr);
    return sizeof(sockaddr_in6);
  }
  *reinterpret_cast<sockaddr_in*>(out) = V4(ip, port);
  return sizeof(sockaddr_in);
}

}  // namespace

std::vector<uint8_t> Ipv4(const Ipv4Spec& s) {
  size_t l4 = s.proto == IPPROTO_TCP ? 20 : 16;
  std::vector<uint8_t> p(20 + l4, 0);
  p[0] = 0x45;
  p[2] = static_cast<uint8_t>(p.size() >> 8);
  p[3] = static_cast<uint8_t>(p.size());
  p[4] = 0x12;  // identification
  p[6] = static_cast<uint8_t>(s.frag_off >> 8);
  p[7] = static_cast<uint8_t>(s.frag_off);
  p[8] = 64;
  p[9] = s.proto;
  inet_pton(AF_INET, s.saddr.c_str(), &p[12]);
  inet_pton(AF_INET, s.daddr.c_str(), &p[16]);
  uint16_t c = Checksum(p.data(), 20);
  p[10] = static_cast<uint8_t>(c >> 8);
  p[11] = static_cast<uint8_t>(c);
  uint8_t* h = &p[20];
  h[0] = static_cast<uint8_t>(s.sport >> 8);
  h[1] = static_cast<uint8_t>(s.sport);
  h[2] = static_cast<uint8_t>(s.dport >> 8);
  h[3] = static_cast<uint8_t>(s.dport);
  if (s.proto == IPPROTO_TCP) {
    h[12] = 0x50;
    h[13] = 0x02;  // SYN
    h[15] = 0xff;  // window
  } else {
    h[5] = 16;  // UDP length; checksum 0 = none
  }
  return p;
}

std::vector<uint8_t> Ipv6Udp(const std::string& saddr, const std::string& daddr, uint16_t dport) {
  std::vector<uint8_t> p(40 + 16, 0);
  p[0] = 0x60;
  p[5] = 16;  // payload length
  p[6] = IPPROTO_UDP;
  p[7] = 64;
  inet_pton(AF_INET6, saddr.c_str(), &p[8]);
  inet_pton(AF_INET6, daddr.c_str(), &p[24]);
  uint8_t* h = &p[40];
  h[0] = 40000 >> 8;
  h[1] = 40000 & 0xff;
  h[2] = static_cast<uint8_t>(dport >> 8);
  h[3] = static_cast<uint8_t>(dport);
  h[5] = 16;  // UDP length; checksum left 0 (the wire is what is checked)
  return p;
}

int ConnectErrno(const std::string& ip, uint16_t port, bool mapped_v6) {
  sockaddr_storage a{};
  socklen_t alen = Addr(mapped_v6 ? "::ffff:" + ip : ip, port, &a);
  int s = ::socket(a.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  int rc = ::connect(s, reinterpret_cast<sockaddr*>(&a), alen);
  int err = Errno(rc);
  if (err == EINPROGRESS) {
    pollfd p{s, POLLOUT, 0};
    err = ::poll(&p, 1, 1000) == 1 ? 0 : ETIMEDOUT;
    socklen_t len = sizeof(int);
    if (err == 0) ::getsockopt(s, SOL_SOCKET, SO_ERROR, &err, &len);
  }
  ::close(s);
  return err;
}

int ConnectSendAwait(const std::string& ip, uint16_t port) {
  sockaddr_storage a{};
  socklen_t alen = Addr(ip, port, &a);
  int s = ::socket(a.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  timeval tv{3, 0};
  ::setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  ::setsockopt(s, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
  int err = Errno(::connect(s, reinterpret_cast<sockaddr*>(&a), alen));
  if (err == 0 && ::send(s, "hello", 5, MSG_NOSIGNAL) != 5) err = errno;
  char b = 0;
  if (err == 0 && ::recv(s, &b, 1, 0) != 1) err = errno != 0 ? errno : EPIPE;
  ::close(s);
  return err;
}

int UdpSendErrno(const std::string& ip, uint16_t port) {
  sockaddr_storage a{};
  socklen_t alen = Addr(ip, port, &a);
  int s = ::socket(a.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  ssize_t n = ::sendto(s, "udp", 3, 0, reinterpret_cast<sockaddr*>(&a), alen);
  int err = n == 3 ? 0 : errno;
  ::close(s);
  return err;
}

int TfoSendErrno(const std::string& ip, uint16_t port) {
  sockaddr_storage a{};
  socklen_t alen = Addr(ip, port, &a);
  int s = ::socket(a.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  ssize_t n = ::sendto(s, "tfo", 3, MSG_FASTOPEN, reinterpret_cast<sockaddr*>(&a), alen);
  int err = n >= 0 ? 0 : errno;
  if (err == EINPROGRESS) err = 0;  // the SYN went out (without cookie: data follows later)
  ::close(s);
  return err;
}

int IoUringConnectErrno(const std::string& ip, uint16_t port) {
  io_uring_params params{};
  int ring = static_cast<int>(::syscall(__NR_io_uring_setup, 4, &params));
  if (ring < 0) return errno;
  size_t sq_len = params.sq_off.array + params.sq_entries * sizeof(uint32_t);
  size_t cq_len = params.cq_off.cqes + params.cq_entries * sizeof(io_uring_cqe);
  size_t ring_len = sq_len > cq_len ? sq_len : cq_len;  // IORING_FEAT_SINGLE_MMAP
  auto* sq = static_cast<uint8_t*>(
      ::mmap(nullptr, ring_len, PROT_READ | PROT_WRITE, MAP_SHARED, ring, IORING_OFF_SQ_RING));
  auto* sqes =
      static_cast<io_uring_sqe*>(::mmap(nullptr, params.sq_entries * sizeof(io_uring_sqe),
                                        PROT_READ | PROT_WRITE, MAP_SHARED, ring, IORING_OFF_SQES));
  if (sq == MAP_FAILED || sqes == MAP_FAILED) return errno;
  sockaddr_storage a{};
  socklen_t alen = Addr(ip, port, &a);
  int s = ::socket(a.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  std::memset(&sqes[0], 0, sizeof(io_uring_sqe));
  sqes[0].opcode = IORING_OP_CONNECT;
  sqes[0].fd = s;
  sqes[0].addr = reinterpret_cast<uint64_t>(&a);
  sqes[0].off = alen;
  auto* tail = reinterpret_cast<uint32_t*>(sq + params.sq_off.tail);
  auto* mask = reinterpret_cast<uint32_t*>(sq + params.sq_off.ring_mask);
  auto* array = reinterpret_cast<uint32_t*>(sq + params.sq_off.array);
  array[*tail & *mask] = 0;
  __atomic_store_n(tail, *tail + 1, __ATOMIC_RELEASE);
  int err = 0;
  if (::syscall(__NR_io_uring_enter, ring, 1, 1, IORING_ENTER_GETEVENTS, nullptr, 0) < 0) {
    err = errno;
  } else {
    auto* head = reinterpret_cast<uint32_t*>(sq + params.cq_off.head);
    auto* cmask = reinterpret_cast<uint32_t*>(sq + params.cq_off.ring_mask);
    auto* cqes = reinterpret_cast<io_uring_cqe*>(sq + params.cq_off.cqes);
    int res = cqes[__atomic_load_n(head, __ATOMIC_ACQUIRE) & *cmask].res;
    err = res == -EINPROGRESS ? 0 : -res;
  }
  ::close(s);
  ::close(ring);
  return err;
}

int RawSend(const std::vector<uint8_t>& packet) {
  int s = ::socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW);
  if (s < 0) return errno;
  sockaddr_in to{};
  to.sin_family = AF_INET;
  std::memcpy(&to.sin_addr, &packet[16], 4);
  ssize_t n =
      ::sendto(s, packet.data(), packet.size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof(to));
  int err = n == static_cast<ssize_t>(packet.size()) ? 0 : errno;
  ::close(s);
  return err;
}

int RawUdpSend6(const std::string& ip6, uint16_t port, size_t payload) {
  int s = ::socket(AF_INET6, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_UDP);
  if (s < 0) return errno;
  sockaddr_storage a{};
  socklen_t alen = Addr(ip6, 0, &a);
  std::vector<uint8_t> udp(8 + payload, 0x5a);
  udp[0] = 40000 >> 8;
  udp[1] = 40000 & 0xff;
  udp[2] = static_cast<uint8_t>(port >> 8);
  udp[3] = static_cast<uint8_t>(port);
  udp[4] = static_cast<uint8_t>(udp.size() >> 8);
  udp[5] = static_cast<uint8_t>(udp.size());
  udp[6] = udp[7] = 0;
  ssize_t n = ::sendto(s, udp.data(), udp.size(), 0, reinterpret_cast<sockaddr*>(&a), alen);
  int err = n == static_cast<ssize_t>(udp.size()) ? 0 : errno;
  ::close(s);
  return err;
}

int Icmp6Send(const std::string& ip6, uint8_t type, int hop_limit) {
  int s = ::socket(AF_INET6, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMPV6);
  if (s < 0) return errno;
  ::setsockopt(s, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &hop_limit, sizeof(hop_limit));
  sockaddr_storage a{};
  socklen_t alen = Addr(ip6, 0, &a);
  std::vector<uint8_t> msg(24 + 16, 0x5a);  // type, code, checksum, reserved, target, payload
  msg[0] = type;
  msg[1] = 0;
  msg[2] = msg[3] = 0;  // the kernel computes the ICMPv6 checksum
  ssize_t n = ::sendto(s, msg.data(), msg.size(), 0, reinterpret_cast<sockaddr*>(&a), alen);
  int err = n == static_cast<ssize_t>(msg.size()) ? 0 : errno;
  ::close(s);
  return err;
}

int PacketSend(const std::string& ifname, const std::array<uint8_t, 6>& dst_mac,
               const std::vector<uint8_t>& packet) {
  int s = ::socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
  if (s < 0) return errno;
  ifreq ifr{};
  std::strncpy(ifr.ifr_name, ifname.c_str(), IFNAMSIZ - 1);
  if (::ioctl(s, SIOCGIFHWADDR, &ifr) != 0) return errno;
  std::vector<uint8_t> frame(14);
  std::memcpy(&frame[0], dst_mac.data(), 6);
  std::memcpy(&frame[6], ifr.ifr_hwaddr.sa_data, 6);
  const bool v6 = !packet.empty() && (packet[0] >> 4) == 6;
  frame[12] = v6 ? 0x86 : 0x08;
  frame[13] = v6 ? 0xdd : 0x00;
  frame.insert(frame.end(), packet.begin(), packet.end());
  sockaddr_ll ll{};
  ll.sll_family = AF_PACKET;
  ll.sll_ifindex = static_cast<int>(if_nametoindex(ifname.c_str()));
  ll.sll_halen = 6;
  std::memcpy(ll.sll_addr, dst_mac.data(), 6);
  ssize_t n =
      ::sendto(s, frame.data(), frame.size(), 0, reinterpret_cast<sockaddr*>(&ll), sizeof(ll));
  int err = n == static_cast<ssize_t>(frame.size()) ? 0 : errno;
  ::close(s);
  return err;
}

FloodControl* FloodControl::CreateShared() {
  void* page = ::mmap(nullptr, sizeof(FloodControl), PROT_READ | PROT_WRITE,
                      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  return page == MAP_FAILED ? nullptr : new (page) FloodControl();
}

int RawFlood(const std::vector<uint8_t>& packet, FloodControl* ctl) {
  int s = ::socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  std::memcpy(&to.sin_addr, &packet[16], 4);
  auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (!ctl->stop.load() && std::chrono::steady_clock::now() < give_up) {
    if (::sendto(s, packet.data(), packet.size(), 0, reinterpret_cast<sockaddr*>(&to),
                 sizeof(to)) == static_cast<ssize_t>(packet.size()))
      ctl->sent.fetch_add(1);
    ::usleep(1000);
  }
  ::close(s);
  return 0;
}

}  // namespace c8s::e2e
