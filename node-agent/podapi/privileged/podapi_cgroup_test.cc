// Acceptance 5 of issue #7: real processes in separate cgroup v2 groups (named as containerd
// names container cgroups) call the pod API over its unix socket. Each obtains evidence whose
// c8s/pod/v1 report data names its own admitted image digest and pod; nobody obtains evidence
// naming another pod; unadmitted and non-container callers are refused.
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch_test_macros.hpp>
#include <nlohmann/json.hpp>

#include "lib/attest/report_data.h"
#include "lib/attest/simulated_snp.h"
#include "lib/attest/snp_verifier.h"
#include "lib/base/fd.h"
#include "lib/base/strings.h"
#include "lib/crypto/hash.h"
#include "node-agent/ebpf/kernel_env.h"
#include "node-agent/podapi/grpc_pod_server.h"
#include "test/support/test_env.h"

namespace c8s::podapi {
namespace {

std::string Id(char c) { return std::string(64, c); }

struct Cgroup {
  std::string path;
  explicit Cgroup(std::string p) : path(std::move(p)) { REQUIRE(::mkdir(path.c_str(), 0755) == 0); }
  ~Cgroup() { ::rmdir(path.c_str()); }
};

// Runs the probe in `cgroup` (the child moves itself there before exec).
nlohmann::json Probe(const std::string& cgroup, const std::string& socket,
                     const std::vector<std::string>& args) {
  int out[2];
  REQUIRE(::pipe(out) == 0);
  std::string bin = c8s::testing::BinaryPath("tests/c8s_podapi_probe");
  pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    int procs = ::open((cgroup + "/cgroup.procs").c_str(), O_WRONLY);
    if (procs < 0 || ::write(procs, "0", 1) != 1) _exit(126);
    ::close(procs);
    ::dup2(out[1], 1);
    ::close(out[0]);
    std::vector<char*> argv = {const_cast<char*>(bin.c_str()), const_cast<char*>(socket.c_str())};
    for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    ::execv(argv[0], argv.data());
    _exit(127);
  }
  ::close(out[1]);
  std::string text;
  char buf[8192];
  ssize_t n;
  while ((n = ::read(out[0], buf, sizeof(buf))) > 0) text.append(buf, n);
  ::close(out[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  INFO("probe exit " << status << ": " << text);
  REQUIRE(WIFEXITED(status));
  REQUIRE(WEXITSTATUS(status) == 0);
  return nlohmann::json::parse(text);
}

admission::Admission Admitted(const std::string& id, const std::string& ns, const std::string& pod,
                              char digest) {
  admission::Admission a;
  a.container_id = id;
  a.pod_namespace = ns;
  a.pod_name = pod;
  a.pod_uid = pod + "-uid";
  a.container_name = "main";
  a.identity = ns + "/" + pod.substr(0, pod.find('-'));
  a.image_digest = "sha256:" + std::string(64, digest);
  a.image = "ghcr.io/acme/" + pod + "@" + a.image_digest;
  a.bundle_generation = 3;
  return a;
}

class FakeSecrets : public SecretSource {
 public:
  absl::StatusOr<SecretValue> Release(const admission::Admission& caller,
                                      std::string_view ref) override {
    return SecretValue{ToBytes(StrCat(ref, " for ", caller.identity)), 4};
  }
};

TEST_CASE("pod API: callers are identified by their cgroup, evidence names only themselves",
          "[privileged]") {
  C8S_REQUIRE_PRIVILEGED_OR_SKIP("creates cgroups and moves processes into them");
  auto mount = ebpf::FindCgroup2Mount();
  REQUIRE(mount.ok());
  c8s::testing::TempDir dir;
  Cgroup parent(StrCat(*mount, "/c8s-podapi-test-", ::getpid()));
  Cgroup a(parent.path + "/cri-containerd-" + Id('a') + ".scope");
  Cgroup b(parent.path + "/cri-containerd-" + Id('b') + ".scope");
  Cgroup c(parent.path + "/cri-containerd-" + Id('c') + ".scope");  // never admitted
  Cgroup plain(parent.path + "/not-a-container");
  // A child group inside A named after B: the first container component from the root wins.
  Cgroup nested(a.path + "/cri-containerd-" + Id('b') + ".scope");

  admission::AdmissionStore admissions;
  admissions.Record(Admitted(Id('a'), "shop", "api-0", '1'));
  admissions.Record(Admitted(Id('b'), "web", "front-0", '2'));
  auto sim = attest::SimulatedSnp::Create({});
  REQUIRE(sim.ok());
  Metrics metrics;
  FakeSecrets secrets;
  PodApi api(sim->get(), &secrets, &metrics, Clock::Real());
  CallerResolver resolver(&admissions);
  std::string socket = dir.Path("agent.sock");
  auto server = PodApiServer::Start(socket, &api, &resolver);
  REQUIRE(server.ok());

  Bytes role_hash = crypto::Sha256(AsBytes("role binding of whoever asks"));
  std::string hash_hex = HexEncode(role_hash);
  auto check_names = [&](const nlohmann::json& r, const std::string& digest,
                         const std::string& pod) {
    INFO(r.dump());
    REQUIRE(r["code"] == 0);
    CHECK(r["imageDigest"] == digest);
    CHECK(r["podRef"] == pod);
    attest::Evidence ev;
    ev.platform = attest::Platform::kSimulatedSevSnp;
    ev.report = *HexDecode(r["report"].get<std::string>());
    for (const auto& cert : r["certificates"])
      ev.certs.push_back(*HexDecode(cert.get<std::string>()));
    attest::SnpVerifyOptions opt;
    opt.simulated_roots = {ToBytes((*sim)->ArkPem())};
    opt.expected_report_data =
        attest::ToBytes(attest::PodReportDataFromHash(digest, pod, role_hash));
    auto claims = attest::VerifySnpEvidence(ev, opt);
    INFO(claims.status().ToString());
    CHECK(claims.ok());
  };

  check_names(Probe(a.path, socket, {"evidence", hash_hex}), "sha256:" + std::string(64, '1'),
              "shop/api-0");
  // B passes the very same role binding hash: its evidence still names B, never A.
  check_names(Probe(b.path, socket, {"evidence", hash_hex}), "sha256:" + std::string(64, '2'),
              "web/front-0");
  check_names(Probe(nested.path, socket, {"evidence", hash_hex}), "sha256:" + std::string(64, '1'),
              "shop/api-0");

  nlohmann::json unadmitted = Probe(c.path, socket, {"evidence", hash_hex});
  CHECK(unadmitted["code"] == 7);  // PERMISSION_DENIED
  CHECK(unadmitted["message"].get<std::string>().find(
            "container " + Id('c') + " has no admission record") != std::string::npos);
  nlohmann::json outsider = Probe(plain.path, socket, {"evidence", hash_hex});
  CHECK(outsider["code"] == 7);
  CHECK(outsider["message"].get<std::string>().find("caller is not in a container's cgroup") !=
        std::string::npos);
  nlohmann::json short_hash = Probe(a.path, socket, {"evidence", "00ff"});
  CHECK(short_hash["code"] == 3);  // INVALID_ARGUMENT
  CHECK(short_hash["message"] == "role_binding_hash: 2 bytes, want 32 (SHA-256)");

  // Secrets by name resolve in the caller's own namespace and go out under its identity.
  nlohmann::json secret = Probe(a.path, socket, {"secret", "db-password"});
  CHECK(secret["code"] == 0);
  CHECK(secret["value"] == "shop/db-password for shop/api");
  CHECK(Probe(b.path, socket, {"secret", "db-password"})["value"] ==
        "web/db-password for web/front");
  CHECK(metrics.Get("c8s_agent_pod_evidence_total", {{"result", "ok"}}) == 3);
  (*server)->Stop();
}

}  // namespace
}  // namespace c8s::podapi
