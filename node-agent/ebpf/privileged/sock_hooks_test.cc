// Pod socket hooks on a real cgroup v2 group: connect4/6 redirect meshed destinations to the
// outbound listener and the original destination is recovered by (pod address, source port);
// IPv4-mapped IPv6 gets the IPv4 policy; everything else fails with EPERM; UDP only to DNS.
#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch_test_macros.hpp>
#include <cerrno>
#include <fstream>
#include <string>

#include "lib/base/strings.h"
#include "node-agent/ebpf/kernel_env.h"
#include "node-agent/ebpf/privileged/bpf_fixture.h"
#include "test/support/test_env.h"

namespace c8s::ebpf::testing {
namespace {

// A cgroup v2 group this process sits in for its lifetime; moves back and removes it after.
class ScopedCgroup {
 public:
  ScopedCgroup() {
    auto mount = FindCgroup2Mount();
    auto own = OwnCgroup2Path();
    REQUIRE(mount.ok());
    REQUIRE(own.ok());
    original_ = *own;
    path_ = StrCat(*mount, "/c8s-test-", ::getpid());
    REQUIRE(::mkdir(path_.c_str(), 0755) == 0);
    Move(path_);
  }
  ~ScopedCgroup() {
    Move(original_);
    ::rmdir(path_.c_str());
  }
  const std::string& path() const { return path_; }

 private:
  static void Move(const std::string& cg) {
    std::ofstream procs(cg + "/cgroup.procs");
    procs << ::getpid() << std::flush;
  }
  std::string path_, original_;
};

// Links created here go away with the object (never pinned).
struct Links {
  ~Links() {
    for (bpf_link* l : links) bpf_link__destroy(l);
  }
  std::vector<bpf_link*> links;
};

int ConnectErrno(const sockaddr* addr, socklen_t len, int family, int type = SOCK_STREAM) {
  int s = ::socket(family, type | SOCK_CLOEXEC, 0);
  int rc = ::connect(s, addr, len);
  int err = rc == 0 ? 0 : errno;
  ::close(s);
  return err;
}

sockaddr_in V4(const char* ip, uint16_t port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  inet_pton(AF_INET, ip, &a.sin_addr);
  return a;
}

sockaddr_in6 V6(const char* ip, uint16_t port) {
  sockaddr_in6 a{};
  a.sin6_family = AF_INET6;
  a.sin6_port = htons(port);
  inet_pton(AF_INET6, ip, &a.sin6_addr);
  return a;
}

TEST_CASE("connect4/6 redirect meshed destinations and recover the original one",
          "[privileged][bpf]") {
  C8S_REQUIRE_PRIVILEGED_OR_SKIP("cgroup BPF programs");
  BpfFixture fx;
  auto sock = SockObject::Load({fx.pins.maps(), 1000, 300});
  if (!sock.ok()) FAIL(StatusText(sock.status()));

  // The stand-in for the mesh outbound listener (dual-stack so mapped connects reach it too).
  int ls = ::socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int off = 0;
  ::setsockopt(ls, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof(off));
  sockaddr_in6 any = V6("::", 0);
  REQUIRE(::bind(ls, reinterpret_cast<sockaddr*>(&any), sizeof(any)) == 0);
  REQUIRE(::listen(ls, 16) == 0);
  socklen_t alen = sizeof(any);
  REQUIRE(::getsockname(ls, reinterpret_cast<sockaddr*>(&any), &alen) == 0);
  uint16_t lport = ntohs(any.sin6_port);
  fx.Apply(TestPolicy(3, 0, StrCat("127.0.0.1:", lport)));

  ScopedCgroup cg;
  int cgfd = ::open(cg.path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  REQUIRE(cgfd >= 0);
  Links links;
  for (int i = 0; i < kSockProgramCount; ++i) {
    bpf_link* l = bpf_program__attach_cgroup((*sock)->program(i), cgfd);
    REQUIRE(l != nullptr);
    links.links.push_back(l);
  }
  ::close(cgfd);

  SECTION("meshed IPv4 destination: redirected, original destination by (addr, port)") {
    int s = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in meshed = V4("10.244.1.5", 8080);
    REQUIRE(::connect(s, reinterpret_cast<sockaddr*>(&meshed), sizeof(meshed)) == 0);
    sockaddr_in6 peer{};
    socklen_t plen = sizeof(peer);
    int c = ::accept(ls, reinterpret_cast<sockaddr*>(&peer), &plen);
    REQUIRE(c >= 0);
    c8s_sock_tuple key{};
    key.family = C8S_FAM_V4;
    key.port = peer.sin6_port;
    std::memcpy(&key.addr[0], &peer.sin6_addr.s6_addr[12], 4);  // ::ffff:127.0.0.1
    c8s_orig_dst orig{};
    REQUIRE(bpf_map_lookup_elem(fx.maps->orig_by_tuple_fd(), &key, &orig) == 0);
    CHECK(orig.family == C8S_FAM_V4);
    CHECK(ntohs(orig.port) == 8080);
    char text[INET_ADDRSTRLEN] = {};
    inet_ntop(AF_INET, &orig.addr[0], text, sizeof(text));
    CHECK(std::string(text) == "10.244.1.5");
    ::close(c);
    ::close(s);
    usleep(100000);  // the close reaches TCP_CLOSE; the sockops entry must be gone
    CHECK(bpf_map_lookup_elem(fx.maps->orig_by_tuple_fd(), &key, &orig) != 0);
    CHECK(fx.Count(C8S_DIR_CONNECT, C8S_R_REDIRECT_MESH) == 1);
  }

  SECTION("IPv4-mapped IPv6 gets the IPv4 policy") {
    sockaddr_in6 mapped = V6("::ffff:10.244.1.5", 8080);
    int s = ::socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
    REQUIRE(::connect(s, reinterpret_cast<sockaddr*>(&mapped), sizeof(mapped)) == 0);
    int c = ::accept(ls, nullptr, nullptr);
    CHECK(c >= 0);
    ::close(c);
    ::close(s);
    sockaddr_in6 denied = V6("::ffff:192.0.2.1", 80);
    CHECK(ConnectErrno(reinterpret_cast<sockaddr*>(&denied), sizeof(denied), AF_INET6) == EPERM);
  }

  SECTION("neither meshed nor allowed: EPERM; allowed egress passes the hook") {
    sockaddr_in denied = V4("192.0.2.1", 80);
    CHECK(ConnectErrno(reinterpret_cast<sockaddr*>(&denied), sizeof(denied), AF_INET) == EPERM);
    sockaddr_in6 denied6 = V6("2001:db9::1", 443);
    CHECK(ConnectErrno(reinterpret_cast<sockaddr*>(&denied6), sizeof(denied6), AF_INET6) == EPERM);
    sockaddr_in peer_mesh = V4("10.0.0.12", 15443);  // only the proxy may
    CHECK(ConnectErrno(reinterpret_cast<sockaddr*>(&peer_mesh), sizeof(peer_mesh), AF_INET) ==
          EPERM);
    CHECK(fx.Count(C8S_DIR_CONNECT, C8S_R_DENY_NO_RULE) == 2);
    CHECK(fx.Count(C8S_DIR_CONNECT, C8S_R_DENY_MESH_NOT_PROXY) == 1);
    // Allowed by rule: the hook lets it through (the kernel then fails or succeeds on routing).
    sockaddr_in allowed = V4("203.0.113.9", 443);
    int s = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    int rc = ::connect(s, reinterpret_cast<sockaddr*>(&allowed), sizeof(allowed));
    CHECK((rc == 0 || errno != EPERM));
    ::close(s);
    CHECK(fx.Count(C8S_DIR_CONNECT, C8S_R_ALLOW_RULE) == 1);
  }

  SECTION("infrastructure per kind: the API server from a pod, the CDS only from the node") {
    sockaddr_in api = V4("10.0.0.1", 443);
    int s = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    int rc = ::connect(s, reinterpret_cast<sockaddr*>(&api), sizeof(api));
    CHECK((rc == 0 || errno != EPERM));
    ::close(s);
    CHECK(fx.Count(C8S_DIR_CONNECT, C8S_R_ALLOW_INFRA) == 1);
    sockaddr_in cds = V4("10.0.0.5", 7443);
    CHECK(ConnectErrno(reinterpret_cast<sockaddr*>(&cds), sizeof(cds), AF_INET) == EPERM);
    CHECK(fx.Count(C8S_DIR_CONNECT, C8S_R_DENY_NODE_ONLY) == 1);
  }

  SECTION("UDP: only DNS to the cluster DNS service") {
    int u = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_in other = V4("192.0.2.1", 9999);
    CHECK(::sendto(u, "x", 1, 0, reinterpret_cast<sockaddr*>(&other), sizeof(other)) < 0);
    CHECK(errno == EPERM);
    sockaddr_in dns = V4("10.0.0.10", 53);
    ssize_t n = ::sendto(u, "x", 1, 0, reinterpret_cast<sockaddr*>(&dns), sizeof(dns));
    CHECK((n == 1 || errno != EPERM));
    ::close(u);
    CHECK(fx.Count(C8S_DIR_SENDMSG, C8S_R_DENY_UDP_NOT_DNS) == 1);
    CHECK(fx.Count(C8S_DIR_SENDMSG, C8S_R_ALLOW_INFRA) == 1);
  }
  ::close(ls);
}

}  // namespace
}  // namespace c8s::ebpf::testing
