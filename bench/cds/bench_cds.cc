#include "bench/cds/bench_cds.h"

#include <httplib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sstream>

#include "lib/base/child_process.h"
#include "lib/base/fd.h"
#include "lib/base/status.h"
#include "lib/base/strings.h"
#include "lib/crypto/grpc_tls.h"
#include "lib/manifest/serialize.h"

namespace c8s::bench {

P384Sample P384Sample::Make() {
  auto priv = crypto::PrivateKey::Generate(crypto::KeyType::kP384).value();
  Bytes message(672, 0x42);
  Bytes der = priv.Sign(message).value();
  crypto::PublicKey pub = priv.GetPublicKey();
  Bytes spki = pub.SpkiDer();  // a P-384 SPKI ends with the uncompressed point
  auto key = crypto::P384VerifyingKey::FromUncompressedPoint(
                 ByteSpan(spki).last(crypto::P384VerifyingKey::kPointSize))
                 .value();
  return P384Sample{pub, key, message, der, crypto::EcdsaDerToRaw(der, 48).value()};
}
namespace {

std::string SelfDir() {
  char buf[4096];
  ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  std::string path(buf, n > 0 ? static_cast<size_t>(n) : 0);
  return path.substr(0, path.rfind('/'));
}

}  // namespace

TempDir::TempDir() {
  char tmpl[] = "/tmp/c8s-bench-cds.XXXXXX";
  path_ = ::mkdtemp(tmpl) ? tmpl : "/tmp";
}

TempDir::~TempDir() {
  if (path_ != "/tmp") {
    std::string cmd = "rm -rf '" + path_ + "'";
    if (std::system(cmd.c_str()) != 0) std::fprintf(stderr, "could not remove %s\n", path_.c_str());
  }
}

absl::StatusOr<CdsProcess> StartCds(const std::string& dir, const std::string& simulated_root,
                                    const std::vector<std::string>& extra) {
  CdsProcess p;
  p.dir = dir;
  std::string bin = SelfDir() + "/c8s-cds";
  std::vector<std::string> args = {bin,
                                   "--listen",
                                   "127.0.0.1:0",
                                   "--http-listen",
                                   "127.0.0.1:0",
                                   "--state-dir",
                                   dir + "/state",
                                   "--simulated-root",
                                   simulated_root,
                                   "--port-file",
                                   dir + "/grpc.port",
                                   "--http-port-file",
                                   dir + "/http.port",
                                   "--log-level",
                                   "error"};
  args.insert(args.end(), extra.begin(), extra.end());
  // A profiler prefix for the CDS alone, e.g. "valgrind --tool=callgrind": on a noisy shared
  // host, instruction counts are the only figures that compare two builds reliably.
  if (const char* wrapper = std::getenv("C8S_BENCH_CDS_WRAPPER"); wrapper != nullptr) {
    std::vector<std::string> prefix;
    std::istringstream words(wrapper);
    for (std::string w; words >> w;) prefix.push_back(w);
    args.insert(args.begin(), prefix.begin(), prefix.end());
  }
  ASSIGN_OR_RETURN(p.pid, SpawnChild(std::move(args)));
  ASSIGN_OR_RETURN(p.grpc_port, Annotate(WaitForPortFile(dir + "/grpc.port", p.pid), bin));
  ASSIGN_OR_RETURN(p.http_port, Annotate(WaitForPortFile(dir + "/http.port", p.pid), bin));
  return p;
}

void StopCds(CdsProcess& cds) {
  StopChild(cds.pid);
  cds.pid = -1;
}

absl::StatusOr<double> CdsMetric(const CdsProcess& cds, const std::string& series) {
  httplib::SSLClient http("127.0.0.1", cds.http_port);
  http.enable_server_certificate_verification(false);  // loopback, our own child process
  httplib::Result res = http.Get("/metrics");
  if (!res || res->status != 200) return absl::UnavailableError("CDS /metrics unreachable");
  const std::string key = "\n" + series + " ";
  size_t at = res->body.find(key);
  if (at == std::string::npos) return absl::DataLossError(StrCat("no ", series, " in /metrics"));
  return std::stod(res->body.substr(at + key.size()));
}

absl::StatusOr<double> CdsCpuSeconds(const CdsProcess& cds) {
  return CdsMetric(cds, "process_cpu_seconds_total");
}

pid_t Fork(const std::function<int()>& body) {
  pid_t pid = ::fork();
  if (pid == 0) {
    // Each child stands for a c8s process (node agent, load generator, server), and those all
    // set gRPC up this way first.
    if (absl::Status st = crypto::PrepareGrpcProcess(); !st.ok()) {
      std::fprintf(stderr, "%s\n", st.ToString().c_str());
      _exit(5);
    }
    int rc = body();
    std::fflush(nullptr);
    _exit(rc);  // no destructors: gRPC's shutdown is not needed by a process that ends here
  }
  return pid;
}

int Wait(pid_t pid) {
  int status = 0;
  if (::waitpid(pid, &status, 0) != pid) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

manifest::Manifest BenchManifest(const crypto::PublicKey& owner) {
  manifest::Manifest m;
  m.trust_domain = "bench.c8s.dev";
  m.owners = {{"bench-owner", owner.ToPem()}};
  manifest::AttestationPolicy p;
  p.allow_simulated = true;
  manifest::SnpPolicy snp;
  snp.measurements = {HexEncode(Bytes(48, 0x5a))};
  snp.min_tcb = {3, 0, 8, 115, 0};
  snp.products = {"Milan"};
  p.snp = snp;
  m.attestation_policies = {{"cds", p}, {"ingress", p}, {"nodes", p}};
  m.roles = {"nodes", "cds", "ingress"};
  manifest::Identity id;
  id.ref = "bench/app";
  id.selector.labels = {{"app", "bench"}};
  id.containers = {{"registry.example.com/bench/app@sha256:" + std::string(64, 'b'), {}, {}}};
  id.dns_names = {"app.bench.svc.cluster.local"};
  id.ports = {8080};
  m.identities = {id};
  manifest::Normalize(&m);
  return m;
}

}  // namespace c8s::bench
