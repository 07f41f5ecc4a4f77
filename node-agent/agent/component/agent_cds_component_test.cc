// Acceptance 2 and 3 of issue #7 with real processes: c8s-node-agent (simulated SEV-SNP) against
// a real c8s-cds on loopback, containerd's NRI side played by the runtime driver (test/nri),
// and the real c8s-oci-hook asking the agent.
//  2. Before the CDS is claimed the agent has no bundle: the NRI plugin admits the bootstrap
//     allow-list and nothing else. After the claim the agent obtains a node certificate,
//     streams and enforces the signed bundle, rotates its (6 s) certificate and obtains a
//     workload certificate for the admitted pod.
//  3. Restarted with the CDS gone, the agent enforces the persisted bundle at once.
#include <grpcpp/grpcpp.h>

#include <catch2/catch_test_macros.hpp>
#include <nlohmann/json.hpp>

#include "c8s/cds/v1/cds.grpc.pb.h"
#include "lib/attest/simulated_snp.h"
#include "lib/base/status.h"
#include "lib/crypto/any_certificate.h"
#include "lib/crypto/grpc_tls.h"
#include "lib/manifest/approval.h"
#include "lib/manifest/fixtures_for_test.h"
#include "lib/manifest/serialize.h"
#include "lib/ttrpc/unix_socket.h"
#include "node-agent/agent/component/processes_for_test.h"
#include "test/nri/runtime_driver.h"

namespace c8s::agent {
namespace {

namespace v1 = ::c8s::cds::v1;
using nlohmann::json;

const std::string kCdsImage = "sha256:" + std::string(64, '7');
constexpr char kCoreDns[] =
    "registry.k8s.io/coredns/"
    "coredns@sha256:1111111111111111111111111111111111111111111111111111111111111111";
constexpr char kNginx[] =
    "docker.io/library/"
    "nginx@sha256:6515f83e7ba5810842059cf6b2b7279a3073b9d141623e62cc825050025113e0";

// The test's own channel for claiming; the agent attests the CDS itself.
using AnyServer = crypto::AnyCertificateVerifier;

// example.json with the node role accepting the simulated platform (measurement 0x5a * 48).
manifest::Manifest NodeManifest() {
  manifest::Manifest m = manifest::testing::LoadFixtureManifest("example.json");
  manifest::AttestationPolicy& p = m.attestation_policies[m.roles.nodes];
  p.allow_simulated = true;
  p.snp->measurements = {HexEncode(Bytes(48, 0x5a))};
  p.snp->min_tcb = {3, 0, 8, 115, 0};
  p.snp->products = {"Milan"};
  p.snp->host_data = {};
  p.snp->chip_ids = {};
  p.snp->min_abi = {0, 0};
  return m;
}

struct Cds {
  std::unique_ptr<testing::Process> process;
  int port = 0;
  std::shared_ptr<grpc::Channel> channel;
  Cds(const c8s::testing::TempDir& dir, const std::string& root) {
    process = std::make_unique<testing::Process>(
        std::vector<std::string>{c8s::testing::BinaryPath("bin/c8s-cds"),
                                 "--listen",
                                 "127.0.0.1:0",
                                 "--state-dir",
                                 dir.Path("cds"),
                                 "--simulated-root",
                                 root,
                                 "--port-file",
                                 dir.Path("cds.port"),
                                 "--node-cert-lifetime",
                                 "6",
                                 "--workload-cert-lifetime",
                                 "6",
                                 "--simulate-own-evidence",
                                 "--own-simulated-root-out",
                                 dir.Path("cds-root.pem"),
                                 "--image-digest",
                                 kCdsImage,
                                 "--log-level",
                                 "warn"},
        dir.Path("cds.log"));
    port = testing::WaitForPortFile(dir.Path("cds.port"));
    REQUIRE(port != 0);
    channel =
        grpc::CreateChannel(StrCat("127.0.0.1:", port),
                            crypto::MakeGrpcChannelCredentials({}, std::make_shared<AnyServer>()));
  }
  void Claim(const manifest::Manifest& m) {
    auto manifests = v1::Manifest::NewStub(channel);
    v1::ProposeRequest prop;
    prop.set_manifest_json(*manifest::CanonicalBytes(m));
    v1::ProposeResponse presp;
    grpc::ClientContext pc;
    REQUIRE(manifests->Propose(&pc, prop, &presp).ok());
    v1::GetPendingResponse pending;
    grpc::ClientContext gc;
    REQUIRE(manifests->GetPending(&gc, {}, &pending).ok());
    manifest::ApprovalStatement st{pending.cluster(), 1, std::string(manifest::kZeroEntryHash),
                                   pending.manifest_hash()};
    Bytes sig = *manifest::SignApproval(
        st, manifest::testing::LoadFixturePrivateKey("owner-alice.key.pem"));
    v1::ApproveRequest claim;
    claim.set_manifest_json(pending.manifest_json());
    claim.set_statement_json(*manifest::CanonicalBytes(st));
    claim.set_owner("alice");
    claim.set_signature(ToString(sig));
    v1::ApproveResponse resp;
    grpc::ClientContext cc;
    grpc::Status s = manifests->Claim(&cc, claim, &resp);
    INFO(s.error_message());
    REQUIRE(s.ok());
  }
};

// What the agent's measured configuration says the CDS must prove.
json CdsReference(const std::string& measurement_hex) {
  json node = {{"allowSimulated", true}, {"snp", {{"measurements", {measurement_hex}}}}};
  return {{"node", node}, {"images", {kCdsImage}}, {"podRefs", {"c8s-system/cds-0"}}};
}

json AgentConfig(const c8s::testing::TempDir& dir, int cds_port,
                 const json& reference = CdsReference(HexEncode(Bytes(48, 0x5a)))) {
  json runtime = json::parse(R"({"privileged": false, "hostNetwork": false, "hostPID": false,
      "hostIPC": false, "hostPaths": [], "devices": [], "addCapabilities": [],
      "runAsNonRoot": true, "readOnlyRootFilesystem": false})");
  json entry = json::object();
  entry["ref"] = "kube-system/coredns";
  entry["selector"]["labels"]["k8s-app"] = "kube-dns";
  entry["containers"] = json::array({json::object({{"image", kCoreDns}})});
  entry["runtime"] = runtime;
  json c = json::object();
  c["apiVersion"] = "c8s.dev/node-agent-config/v1";
  c["nodeName"] = "node-1";
  c["nodeAddress"] = "10.0.0.11";
  c["trustDomain"] = "prod.example.com";
  c["tee"] = "simulated";
  c["simulatedStateFile"] = dir.Path("sim.state");
  c["cds"]["address"] = StrCat("127.0.0.1:", cds_port);
  c["cds"]["referenceValues"] = reference;
  c["cds"]["simulatedRoots"] = {dir.Path("cds-root.pem")};
  c["stateDir"] = dir.Path("state");
  c["hookSocket"] = dir.Path("hook.sock");
  c["podSocket"] = dir.Path("pod/agent.sock");
  c["httpListen"] = "127.0.0.1:0";
  c["containerd"]["address"] = dir.Path("no-containerd.sock");
  c["containerd"]["watchEvents"] = false;
  c["nri"]["socket"] = dir.Path("nri.sock");
  c["bootstrap"]["apiVersion"] = "c8s.dev/bootstrap-allow-list/v1";
  c["bootstrap"]["entries"] = json::array({entry});
  c["logLevel"] = "info";
  return c;
}

struct Agent {
  std::unique_ptr<testing::Process> process;
  int http_port = 0;
  Agent(const c8s::testing::TempDir& dir) {
    ::unlink(dir.Path("http.port").c_str());
    process = std::make_unique<testing::Process>(
        std::vector<std::string>{c8s::testing::BinaryPath("bin/c8s-node-agent"), "run", "--config",
                                 dir.Path("agent.json"), "--http-port-file", dir.Path("http.port")},
        dir.Path("agent.log"));
    http_port = testing::WaitForPortFile(dir.Path("http.port"));
    REQUIRE(http_port != 0);
  }
};

// containerd's NRI side: accepts the plugin's connection and configures it.
struct Containerd {
  std::unique_ptr<nri::testing::RuntimeDriver> driver;
  explicit Containerd(int listener) {
    auto fd = ttrpc::AcceptUnix(listener, absl::Seconds(30));
    REQUIRE(fd.ok());
    driver = std::make_unique<nri::testing::RuntimeDriver>(std::move(*fd));
    REQUIRE(driver->AwaitRegistration(absl::Seconds(10)).ok());
    REQUIRE(driver->Configure(nri::testing::DefaultConfigure()).ok());
    REQUIRE(driver->Synchronize({}).ok());
  }
  absl::Status Create(const std::string& id, const std::string& ns, const std::string& pod,
                      std::map<std::string, std::string> labels, const std::string& image) {
    nri::PodSandbox p;
    p.id = "sb-" + id;
    p.name = pod;
    p.uid = pod + "-uid";
    p.namespace_name = ns;
    p.labels = std::move(labels);
    nri::Container c;
    c.id = id;
    c.pod_sandbox_id = p.id;
    c.name = "main";
    c.annotations = {{std::string(nri::kImageNameAnnotation), image}};
    c.args = {"/main"};
    return driver->CreateContainer(p, c);
  }
};

// Runs the real hook for container `id` whose bundle holds `spec`; true when it allowed.
bool HookAllows(const c8s::testing::TempDir& dir, const std::string& id, const json& spec,
                std::string* out) {
  std::string bundle = dir.Path("bundle-" + id);
  ::mkdir(bundle.c_str(), 0755);
  REQUIRE(WriteFile(bundle + "/config.json", spec.dump()).ok());
  json state = {
      {"ociVersion", "1.0.2"}, {"id", id}, {"status", "creating"}, {"pid", 1}, {"bundle", bundle}};
  REQUIRE(WriteFile(dir.Path("state-" + id + ".json"), state.dump()).ok());
  std::string cmd =
      StrCat(c8s::testing::BinaryPath("bin/c8s-oci-hook"), " --socket ", dir.Path("hook.sock"),
             " < ", dir.Path("state-" + id + ".json"), " 2>&1");
  FILE* p = ::popen(cmd.c_str(), "r");
  REQUIRE(p != nullptr);
  char buf[4096];
  out->clear();
  size_t n;
  while ((n = ::fread(buf, 1, sizeof(buf), p)) > 0) out->append(buf, n);
  int status = ::pclose(p);
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

json WebSpec() {
  json caps = {"CAP_CHOWN", "CAP_SETUID", "CAP_SETGID", "CAP_NET_BIND_SERVICE"};
  return {{"ociVersion", "1.1.0"},
          {"process",
           {{"args", {"/main"}},
            {"env", {"PATH=/bin"}},
            {"user", {{"uid", 101}}},
            {"capabilities", {{"bounding", caps}, {"effective", caps}}}}},
          {"root", {{"path", "rootfs"}, {"readonly", true}}},
          {"mounts", {{{"destination", "/proc"}, {"type", "proc"}, {"source", "proc"}}}},
          {"annotations", {{"io.kubernetes.cri.container-type", "container"}}},
          {"linux",
           {{"namespaces",
             {{{"type", "pid"}},
              {{"type", "network"}},
              {{"type", "ipc"}},
              {{"type", "uts"}},
              {{"type", "mount"}}}},
            {"maskedPaths", {"/proc/kcore", "/sys/firmware"}},
            {"readonlyPaths", {"/proc/sys", "/proc/sysrq-trigger"}}}}};
}

TEST_CASE("node agent against a real c8s-cds: join, bundle, rotation, restart", "[component]") {
  c8s::testing::TempDir dir;
  auto sim = attest::SimulatedSnp::Create({});
  REQUIRE(sim.ok());
  REQUIRE(WriteFile(dir.Path("sim.state"), (*sim)->ExportState(), 0600).ok());
  REQUIRE(WriteFile(dir.Path("sim_ark.pem"), (*sim)->ArkPem()).ok());
  auto cds = std::make_unique<Cds>(dir, dir.Path("sim_ark.pem"));
  REQUIRE(WriteFile(dir.Path("agent.json"), AgentConfig(dir, cds->port).dump(1)).ok());
  auto listener = ttrpc::ListenUnix(dir.Path("nri.sock"));
  REQUIRE(listener.ok());

  auto agent = std::make_unique<Agent>(dir);
  Containerd containerd(listener->get());
  INFO(agent->process->Log());

  // The CDS proved itself (c8s/cds/v1 against the configured reference values): CA pinned.
  CHECK(testing::Eventually(
      [&] { return testing::Metric(agent->http_port, "c8s_agent_ca_pinned") == 1; }));
  CHECK(agent->process->Log().find("CDS attested: pinning its CA") != std::string::npos);

  // Unclaimed CDS: no certificate (the CDS's reason is in the log), no bundle, bootstrap only.
  CHECK(testing::Eventually([&] {
    return agent->process->Log().find(
               "not claimed: the CDS issues no certificate before the "
               "claim") != std::string::npos;
  }));
  CHECK(testing::Metric(agent->http_port, "c8s_agent_bootstrap_only") == 1);
  CHECK(testing::Metric(agent->http_port, "c8s_agent_node_certificate_valid") == 0);
  CHECK(containerd
            .Create(std::string(64, '1'), "kube-system", "coredns-0", {{"k8s-app", "kube-dns"}},
                    kCoreDns)
            .ok());
  absl::Status before =
      containerd.Create(std::string(64, '2'), "shop", "web-0", {{"app", "web"}}, kNginx);
  CHECK(before.code() == absl::StatusCode::kPermissionDenied);
  std::string out;
  CHECK_FALSE(HookAllows(dir, std::string(64, '2'), WebSpec(), &out));
  CHECK(out.find("no admission record for container " + std::string(64, '2')) != std::string::npos);

  // Claimed: node certificate, signed bundle, then admission under it.
  cds->Claim(NodeManifest());
  CHECK(testing::Eventually(
      [&] { return testing::Metric(agent->http_port, "c8s_agent_node_certificate_valid") == 1; }));
  CHECK(testing::Eventually(
      [&] { return testing::Metric(agent->http_port, "c8s_agent_policy_generation") == 1; }));
  CHECK(testing::Metric(agent->http_port, "c8s_agent_bootstrap_only") == 0);
  std::string web = std::string(64, '3');
  absl::Status after = containerd.Create(web, "shop", "web-0", {{"app", "web"}}, kNginx);
  INFO(after.ToString());
  CHECK(after.ok());
  CHECK(HookAllows(dir, web, WebSpec(), &out));
  json privileged = WebSpec();
  privileged["process"]["capabilities"]["bounding"].push_back("CAP_SYS_ADMIN");
  CHECK_FALSE(HookAllows(dir, web, privileged, &out));
  CHECK(out.find("capabilities: SYS_ADMIN added") != std::string::npos);

  // 6-second certificates: renewed at 4 s with fresh evidence; the pod's one too.
  CHECK(testing::Eventually([&] {
    return testing::Metric(agent->http_port, "c8s_agent_node_certificate_renewals") >= 2;
  }));
  CHECK(testing::Eventually([&] {
    return testing::Metric(agent->http_port,
                           "c8s_agent_workload_certificates_total{result=\"issued\"}") >= 2;
  }));
  CHECK(testing::Metric(agent->http_port, "c8s_agent_workload_certificates") == 1);
  CHECK(testing::Metric(agent->http_port, "c8s_agent_node_certificate_valid") == 1);

  // Restart with the CDS gone: the persisted bundle is enforced at once.
  agent->process->Stop();
  cds->process->Stop();
  agent = std::make_unique<Agent>(dir);
  CHECK(testing::Metric(agent->http_port, "c8s_agent_policy_generation") == 1);
  CHECK(testing::Metric(agent->http_port, "c8s_agent_bootstrap_only") == 0);
  CHECK(agent->process->Log().find("enforcing persisted policy bundle\" generation=1") !=
        std::string::npos);
  Containerd again(listener->get());
  std::string web2 = std::string(64, '4');
  CHECK(again.Create(web2, "shop", "web-1", {{"app", "web"}}, kNginx).ok());
  CHECK(HookAllows(dir, web2, WebSpec(), &out));
  CHECK(again.Create(std::string(64, '5'), "shop", "x-0", {{"app", "x"}}, kNginx).code() ==
        absl::StatusCode::kPermissionDenied);
}

TEST_CASE("node agent refuses a CDS that does not meet its reference values", "[component]") {
  c8s::testing::TempDir dir;
  auto sim = attest::SimulatedSnp::Create({});
  REQUIRE(sim.ok());
  REQUIRE(WriteFile(dir.Path("sim.state"), (*sim)->ExportState(), 0600).ok());
  REQUIRE(WriteFile(dir.Path("sim_ark.pem"), (*sim)->ArkPem()).ok());
  auto cds = std::make_unique<Cds>(dir, dir.Path("sim_ark.pem"));
  std::string other = HexEncode(Bytes(48, 0x66));
  REQUIRE(WriteFile(dir.Path("agent.json"), AgentConfig(dir, cds->port, CdsReference(other)).dump())
              .ok());
  auto listener = ttrpc::ListenUnix(dir.Path("nri.sock"));
  REQUIRE(listener.ok());
  Agent agent(dir);
  CHECK(testing::Eventually([&] {
    return agent.process->Log().find("trust anchor not established") != std::string::npos;
  }));
  std::string log = agent.process->Log();
  INFO(log);
  CHECK(log.find("node policy: snp.measurement: got 5a5a") != std::string::npos);
  CHECK(testing::Metric(agent.http_port, "c8s_agent_ca_pinned") == 0);
  CHECK(testing::Metric(agent.http_port, "c8s_agent_node_certificate_valid") == 0);
}

}  // namespace
}  // namespace c8s::agent
