// c8s-bench-issue: workload certificates a real c8s-cds issues per second of its own CPU
// (getrusage, via its /metrics), over gRPC with mTLS (the caller presents a node
// certificate), next to this machine's bound for one issuance measured in the same run:
// 1 / (P-256 verify + P-256 sign) — the CSR's proof of possession and the certificate's
// signature, which no CDS can skip. Also the same-run floors of one mTLS call: a Challenge to
// the CDS, and a call to a bare gRPC server set up like it (bare_grpc_server.h).
// Goal (issue 4): >= 50% of the bound.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <functional>

#include "bench/cds/bare_grpc_server.h"
#include "bench/cds/bench_cds.h"
#include "cds/simulated_platform.h"
#include "lib/base/fd.h"
#include "lib/base/strings.h"

namespace {

using namespace c8s;
using SteadyClock = std::chrono::steady_clock;

int Run(int count, int threads) {
  bench::TempDir dir;
  auto sim = cds::LoadOrCreateSimulatedSnp(dir.Path("platform"));
  if (!sim.ok()) return std::fprintf(stderr, "platform: %s\n", sim.status().ToString().c_str()), 2;
  // Challenges are rate-limited by default (each lets a caller ask for a P-384 verify); the
  // floor measurement sends thousands from one peer (0 = unlimited).
  auto claimed =
      bench::StartClaimedCds(dir.path(), {"--challenge-rate", "0", "--challenge-peer-rate", "0"});
  if (!claimed.ok())
    return std::fprintf(stderr, "start: %s\n", claimed.status().ToString().c_str()), 2;
  bench::CdsProcess* cds = &claimed->process;
  const crypto::Certificate& ca = claimed->ca;

  // The bound, on this machine, now.
  auto key = crypto::PrivateKey::Generate(crypto::KeyType::kP256).value();
  Bytes msg(400, 0x42);
  Bytes sig = key.Sign(msg).value();
  crypto::PublicKey pub = key.GetPublicKey();
  double verify = bench::Rate(0.5, [&] { return pub.Verify(msg, sig).ok(); });
  double sign = bench::Rate(0.5, [&] { return key.Sign(msg).ok(); });
  double bound = 1.0 / (1.0 / verify + 1.0 / sign);

  // Where the calls go: the CDS, or the bare gRPC server (same set-up, no service).
  struct Target {
    int port;
    const crypto::Certificate* ca;
    std::function<double()> cpu_seconds;
  };
  Target the_cds{cds->grpc_port, &ca, [&] { return bench::CdsCpuSeconds(*cds).value_or(-1); }};
  // Server CPU seconds for `count` calls of `call` from a separate process over `threads` mTLS
  // connections (handshakes and the caller's chain check done before the clock starts); the
  // caller's node certificate comes from a join to the CDS.
  auto measure = [&](bench::WorkloadCall call, const Target& target, double* wall) -> double {
    int to_child[2], to_parent[2];
    if (::pipe(to_child) != 0 || ::pipe(to_parent) != 0) return -1;
    pid_t load = bench::Fork([&] {
      auto joined = bench::JoinNode(cds->grpc_port, ca, **sim, "bench-node");
      if (!joined.ok())
        return std::fprintf(stderr, "join: %s\n", joined.status().ToString().c_str()), 1;
      auto n = bench::IssueWorkloads(
          target.port, *target.ca, *joined, "bench/app", count, threads,
          [&] {
            char c = 'r';
            if (::write(to_parent[1], &c, 1) != 1 || ::read(to_child[0], &c, 1) != 1) std::exit(4);
          },
          call);
      if (!n.ok()) return std::fprintf(stderr, "load: %s\n", n.status().ToString().c_str()), 1;
      return *n == count ? 0 : 1;
    });
    // Only the child writes to_parent and reads to_child: a child that dies is an EOF here.
    ::close(to_parent[1]);
    ::close(to_child[0]);
    char c = 0;
    bool ready = ::read(to_parent[0], &c, 1) == 1;
    double cpu_before = target.cpu_seconds();
    auto start = SteadyClock::now();
    c = 'g';
    if (ready && ::write(to_child[1], &c, 1) != 1) ready = false;
    int rc = bench::Wait(load);
    *wall = std::chrono::duration<double>(SteadyClock::now() - start).count();
    double cpu = target.cpu_seconds() - cpu_before;
    ::close(to_parent[0]);
    ::close(to_child[1]);
    return ready && rc == 0 ? cpu : -1;
  };
  double wall = 0, floor_wall = 0;
  double cpu = measure(bench::WorkloadCall::kIssue, the_cds, &wall);
  double floor_cpu = cpu > 0 ? measure(bench::WorkloadCall::kChallenge, the_cds, &floor_wall) : -1;
  // The same calls to a gRPC server set up like the CDS with nothing behind it.
  auto bare = bench::StartBareGrpcServer();
  if (!bare.ok()) return std::fprintf(stderr, "bare: %s\n", bare.status().ToString().c_str()), 2;
  Target bare_target{bare->port, &bare->ca,
                     [&] { return bench::ProcessCpuSeconds(bare->pid).value_or(-1); }};
  double bare_wall = 0;
  double bare_cpu =
      floor_cpu > 0 ? measure(bench::WorkloadCall::kChallenge, bare_target, &bare_wall) : -1;
  bench::StopBareGrpcServer(*bare);
  bench::StopCds(*cds);
  if (cpu <= 0 || floor_cpu <= 0 || bare_cpu <= 0) {
    return std::fprintf(stderr, "load generator failed\n"), 1;
  }
  double per_cpu = count / cpu;
  double call_floor_us = 1e6 * floor_cpu / count;
  double grpc_call_us = 1e6 * bare_cpu / count;
  // No CDS can go below one mTLS call plus the two signature operations of an issuance.
  double reachable = 1.0 / (call_floor_us * 1e-6 + 1.0 / verify + 1.0 / sign);
  std::printf("%-40s %12s\n", "measure", "value");
  std::printf("%-40s %12d\n", "workload certificates (mTLS, gRPC)", count);
  std::printf("%-40s %12d\n", "client connections", threads);
  std::printf("%-40s %12.3f\n", "wall seconds", wall);
  std::printf("%-40s %12.3f\n", "CDS CPU seconds", cpu);
  std::printf("%-40s %12.0f\n", "certificates per CDS CPU second", per_cpu);
  std::printf("%-40s %12.1f\n", "CDS CPU us per certificate", 1e6 * cpu / count);
  std::printf("%-40s %12.0f\n", "P-256 verify per second", verify);
  std::printf("%-40s %12.0f\n", "P-256 sign per second", sign);
  std::printf("%-40s %12.0f\n", "bound 1/(verify+sign) per second", bound);
  std::printf("%-40s %11.1f%%\n", "of the bound (goal >= 50%)", 100 * per_cpu / bound);
  std::printf("%-40s %12.1f\n", "CDS CPU us per Challenge (call floor)", call_floor_us);
  std::printf("%-40s %12.0f\n", "floor + verify + sign per second", reachable);
  std::printf("%-40s %11.1f%%\n", "of floor + verify + sign", 100 * per_cpu / reachable);
  std::printf("%-40s %12.1f\n", "bare gRPC server us per call", grpc_call_us);
  std::printf(
      "RESULT issue certs_per_cpu_s=%.0f bound_per_s=%.0f call_floor_us=%.1f "
      "floor_bound_per_s=%.0f grpc_call_floor_us=%.1f\n",
      per_cpu, bound, call_floor_us, reachable, grpc_call_us);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"c8s-bench-issue: workload certificates per CDS CPU second"};
  int count = 6000, threads = 4;
  app.add_option("--count", count, "workload certificates to issue")->capture_default_str();
  app.add_option("--threads", threads, "client connections")->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  return Run(count, threads);
}
