// Listening sockets inside the test's network namespaces and accepting on them (in the test
// process; Catch2 checks). Addresses are IPv4 or IPv6 text.
//   FdGuard proxy{ListenIn(topo.node1_ns, "fd00:244:1::1", 15001)};
//   FdGuard conn{AcceptWithin(proxy.fd, 3000, &peer)};
#pragma once

#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>
#include <string>

namespace c8s::e2e {

struct FdGuard {
  int fd;
  ~FdGuard() {
    if (fd >= 0) ::close(fd);
  }
};

// A TCP listener bound inside a network namespace (the socket stays there after we leave).
int ListenIn(const std::string& netns, const std::string& ip, uint16_t port);
// Accepts within timeout_ms; -1 when nobody connected. *peer gets the peer's address.
int AcceptWithin(int ls, int timeout_ms, sockaddr_storage* peer = nullptr);
// The address and port of a sockaddr_in/in6 as text and host-order port.
std::string PeerIp(const sockaddr_storage& peer);
uint16_t PeerPort(const sockaddr_storage& peer);

}  // namespace c8s::e2e
