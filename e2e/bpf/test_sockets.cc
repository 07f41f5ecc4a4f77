#include "e2e/bpf/test_sockets.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>

#include <catch2/catch_test_macros.hpp>

#include "e2e/bpf/netns_topology.h"

namespace c8s::e2e {

int ListenIn(const std::string& netns, const std::string& ip, uint16_t port) {
  InNetns in(netns);
  const bool v6 = ip.find(':') != std::string::npos;
  int s = ::socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  REQUIRE(s >= 0);
  int one = 1;
  ::setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  sockaddr_storage a{};
  socklen_t len = 0;
  if (v6) {
    ::setsockopt(s, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
    auto* a6 = reinterpret_cast<sockaddr_in6*>(&a);
    a6->sin6_family = AF_INET6;
    a6->sin6_port = htons(port);
    REQUIRE(inet_pton(AF_INET6, ip.c_str(), &a6->sin6_addr) == 1);
    len = sizeof(*a6);
  } else {
    auto* a4 = reinterpret_cast<sockaddr_in*>(&a);
    a4->sin_family = AF_INET;
    a4->sin_port = htons(port);
    REQUIRE(inet_pton(AF_INET, ip.c_str(), &a4->sin_addr) == 1);
    len = sizeof(*a4);
  }
  INFO("listen on " << ip << " port " << port << " in " << netns);
  REQUIRE(::bind(s, reinterpret_cast<sockaddr*>(&a), len) == 0);
  REQUIRE(::listen(s, 16) == 0);
  return s;
}

int AcceptWithin(int ls, int timeout_ms, sockaddr_storage* peer) {
  pollfd p{ls, POLLIN, 0};
  if (::poll(&p, 1, timeout_ms) != 1) return -1;
  sockaddr_storage from{};
  socklen_t len = sizeof(from);
  int c = ::accept4(ls, reinterpret_cast<sockaddr*>(&from), &len, SOCK_CLOEXEC);
  if (peer != nullptr) *peer = from;
  return c;
}

std::string PeerIp(const sockaddr_storage& peer) {
  char text[INET6_ADDRSTRLEN] = {};
  if (peer.ss_family == AF_INET6)
    inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(&peer)->sin6_addr, text,
              sizeof(text));
  else
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(&peer)->sin_addr, text, sizeof(text));
  return text;
}

uint16_t PeerPort(const sockaddr_storage& peer) {
  return ntohs(peer.ss_family == AF_INET6 ? reinterpret_cast<const sockaddr_in6*>(&peer)->sin6_port
                                          : reinterpret_cast<const sockaddr_in*>(&peer)->sin_port);
}

}  // namespace c8s::e2e
