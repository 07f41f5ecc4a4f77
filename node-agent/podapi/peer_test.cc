#include "node-agent/podapi/peer.h"

#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch_test_macros.hpp>

namespace c8s::podapi {
namespace {

const std::string kId(64, 'a');
const std::string kOther(64, 'b');

std::string IdOf(const std::string& text) {
  auto id = ContainerIdFromCgroups(text);
  return id.ok() ? *id : "error: " + std::string(id.status().message());
}

TEST_CASE("container ID from /proc/<pid>/cgroup", "[unit]") {
  // systemd driver, cgroup v2.
  CHECK(IdOf("0::/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod1234.slice/"
             "cri-containerd-" +
             kId + ".scope\n") == kId);
  // cgroupfs driver.
  CHECK(IdOf("0::/kubepods/besteffort/pod5678/" + kId + "\n") == kId);
  // Hybrid host: v1 lines, and a v2 line that names the container.
  CHECK(IdOf("12:memory:/kubepods/pod1/" + kOther + "\n0::/kubepods/pod1/" + kId + "\n") == kId);
  // v1 only (runc on a v1 host): the v1 path is used.
  CHECK(IdOf("4:memory:/kubepods/pod1/" + kId + "\n3:cpuset:/\n0::/\n") == kId);
  // A child cgroup named after another container does not change who the caller is.
  CHECK(IdOf("0::/kubepods/pod1/" + kId + "/" + kOther + "\n") == kId);
  CHECK(IdOf("0::/kubepods/pod1/cri-containerd-" + kId + ".scope/cri-containerd-" + kOther +
             ".scope\n") == kId);
  // Not containers.
  CHECK(IdOf("0::/system.slice/sshd.service\n") ==
        "error: caller is not in a container's cgroup (cgroup v2 path "
        "\"/system.slice/sshd.service\")");
  CHECK(IdOf("0::/kubepods/pod1/" + std::string(64, 'A') + "\n").rfind("error: ", 0) == 0);
  CHECK(IdOf("0::/kubepods/pod1/" + std::string(63, 'a') + "\n").rfind("error: ", 0) == 0);
  CHECK(IdOf("0::/x/cri-containerd-" + std::string(64, 'g') + ".scope\n").rfind("error: ", 0) == 0);
  CHECK(IdOf("garbage without colons").rfind("error: ", 0) == 0);
  CHECK(IdOf("").rfind("error: ", 0) == 0);
  // Paths relative to the agent's own cgroup namespace root ("/../..").
  CHECK(IdOf("0::/../../kubepods/pod1/" + kId + "\n") == kId);
  CHECK(CgroupV2Path("1:name=systemd:/a\n0::/b/c\n") == "/b/c");
}

TEST_CASE("peer credentials of a socket pair are this process", "[unit]") {
  int fds[2];
  REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM, 0, fds) == 0);
  UniqueFd a(fds[0]), b(fds[1]);
  auto peer = PeerOf(a.get());
  REQUIRE(peer.ok());
  CHECK(peer->pid == ::getpid());
  auto cgroups = ReadPeerCgroups(*peer, "/proc");
  REQUIRE(cgroups.ok());
  CHECK(cgroups->find("0::") != std::string::npos);
}

}  // namespace
}  // namespace c8s::podapi
