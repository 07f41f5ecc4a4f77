#include "e2e/bpf/agent_process.h"

#include <fcntl.h>
#include <sched.h>
#include <unistd.h>

#include <catch2/catch_test_macros.hpp>
#include <filesystem>
#include <fstream>

#include "lib/base/strings.h"
#include "node-agent/ebpf/bundle_for_test.h"
#include "node-agent/ebpf/data_plane.h"
#include "node-agent/ebpf/kernel_env.h"

namespace c8s::e2e {
namespace {

// node-1 is us. 10.0.0.12:8443 and [fd00::12]:8443 are the egress rules; the pod ranges of
// both families are meshed.
std::string BundleText() {
  manifest::PolicyBundle b =
      ebpf::testing::Bundle(1,
                            {{"shop/api",
                              {ebpf::testing::Egress("10.0.0.12/32", "TCP", {kAllowedPort}),
                               ebpf::testing::Egress("fd00::12/128", "TCP", {kAllowedPort})}}},
                            "10.0.0.53:53");
  b.infrastructure.mesh_cidrs.push_back("fd00:244::/32");
  return ebpf::testing::BundleJson(b);
}

}  // namespace

pid_t StartAgent(const std::string& netns, const std::vector<std::string>& args, int* stdout_fd) {
  std::string binary = testing::BinaryPath("bin/c8s-node-agent");
  REQUIRE(std::filesystem::exists(binary));
  int ns = netns.empty() ? -1 : OpenNetns(netns);
  REQUIRE((netns.empty() || ns >= 0));
  int pipefd[2] = {-1, -1};
  if (stdout_fd != nullptr) REQUIRE(::pipe2(pipefd, O_CLOEXEC) == 0);
  std::vector<char*> argv;
  argv.push_back(binary.data());
  std::vector<std::string> copy = args;
  for (std::string& a : copy) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    if (ns >= 0 && ::setns(ns, CLONE_NEWNET) != 0) ::_exit(121);
    if (pipefd[1] >= 0 && ::dup2(pipefd[1], 1) < 0) ::_exit(122);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  if (ns >= 0) ::close(ns);
  if (stdout_fd != nullptr) {
    ::close(pipefd[1]);
    *stdout_fd = pipefd[0];
  }
  return pid;
}

int RunAgent(const std::string& netns, const std::vector<std::string>& args, std::string* out) {
  int fd = -1;
  pid_t pid = StartAgent(netns, args, out != nullptr ? &fd : nullptr);
  if (out != nullptr) {
    char buf[4096];
    for (ssize_t n; (n = ::read(fd, buf, sizeof(buf))) > 0;)
      out->append(buf, static_cast<size_t>(n));
    ::close(fd);
  }
  return WaitChild(pid, 30000);
}

Cluster::Cluster() : pin_root(StrCat("/sys/fs/bpf/", topo.prefix)), wire(topo.bridge_ns, "bn1") {
  REQUIRE(ebpf::EnsureBpffs("/sys/fs/bpf").ok());
  std::ofstream(dir.Path("bundle.json")) << BundleText();
}

Cluster::~Cluster() {
  maps.reset();
  (void)ebpf::Uninstall(pin_root);
  std::error_code ec;
  std::filesystem::remove_all(pin_root, ec);
}

std::vector<std::string> Cluster::InstallArgs() const {
  return {"bpf",      "--pin-root", pin_root,       "install",
          "--uplink", "eth0",       "--pod-cgroup", topo.pods_cgroup};
}

void Cluster::InstallAndApply() {
  REQUIRE(RunAgent(topo.node1_ns, InstallArgs(), nullptr) == 0);
  REQUIRE(
      RunAgent("",
               {"bpf", "--pin-root", pin_root, "update-policy", "--bundle", dir.Path("bundle.json"),
                "--node-name", "node-1", "--proxy-cgroup", topo.proxy_cgroup, "--redirect",
                StrCat(topo.pod1.gateway, ":", kListenerPort), "--redirect-v6", topo.pod1.gateway6},
               nullptr) == 0);
  auto opened = ebpf::PolicyMaps::Open(pin_root + "/maps");
  REQUIRE(opened.ok());
  maps = std::make_unique<ebpf::PolicyMaps>(std::move(*opened));
}

uint64_t Cluster::Count(uint32_t dir_, uint32_t reason) const {
  REQUIRE(maps != nullptr);
  auto n = maps->Count(dir_, reason);
  REQUIRE(n.ok());
  return *n;
}

std::map<std::string, uint32_t> Cluster::LinkIds() const {
  auto st = ebpf::GetStatus(pin_root);
  REQUIRE(st.ok());
  std::map<std::string, uint32_t> out;
  for (const ebpf::LinkStatus& l : st->links) {
    CHECK(l.problem.empty());
    out[l.name] = l.link_id;
  }
  return out;
}

}  // namespace c8s::e2e
