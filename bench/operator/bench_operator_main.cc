// c8s-bench-operator: 1000 WorkloadIdentity objects created in c8s-kube-local -> time until
// the operator's compiled manifest is proposed to a real c8s-cds, and the watch-event ->
// reconcile latency p50/p99 (issue #5: < 2 s, p99 < 50 ms, median of 3 runs).
//
//   build/bin/c8s-bench-operator [--objects 1000] [--runs 3] [--writers 4]
//
// The CDS is the real c8s-cds (build/bin/c8s-cds next to this binary, simulated own evidence
// on loopback): its Propose parses, validates and persists the 1000-identity manifest, which
// is part of what the operator waits for. Baselines from the same run: the creates alone, one
// compile of the final objects, one Propose of the final manifest.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>

#include "bench/operator/operator_bench.h"
#include "lib/base/log.h"

int main(int argc, char** argv) {
  CLI::App app{"c8s-bench-operator: CRs -> manifest proposal latency of c8s-operator"};
  c8s::bench::RunOptions o;
  int runs = 3;
  int compile_loop = 0;
  app.add_option("--objects", o.objects, "WorkloadIdentity objects")->capture_default_str();
  app.add_option("--runs", runs, "runs (the RESULT line is their median)")->capture_default_str();
  app.add_option("--writers", o.writers, "parallel creating clients")->capture_default_str();
  app.add_option("--compile-loop", compile_loop,
                 "only compile the N objects this many times (for a profiler)");
  CLI11_PARSE(app, argc, argv);
  const char* src = std::getenv("C8S_SOURCE_DIR");
  o.source_dir = src != nullptr ? src : ".";
  std::error_code ec;
  std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", ec);
  o.cds_binary = (self.parent_path() / "c8s-cds").string();
  if (!std::filesystem::exists(o.source_dir + "/crds")) {
    std::fprintf(stderr, "no crds/ in %s: run from the repository root or set C8S_SOURCE_DIR\n",
                 o.source_dir.c_str());
    return 2;
  }
  c8s::log::SetMinLevel(c8s::log::Level::kWarn);
  if (compile_loop > 0) {
    absl::StatusOr<double> ms = c8s::bench::CompileLoop(o, compile_loop);
    if (!ms.ok()) return 1;
    std::printf("compile of %d identities: %.2f ms CPU (best of %d)\n", o.objects, *ms,
                compile_loop);
    return 0;
  }

  std::vector<c8s::bench::RunResult> results;
  std::printf("%-4s %9s %9s %9s %9s %9s %6s %9s %9s %8s %8s\n", "run", "to_prop_s", "create_s",
              "p50_ms", "p99_ms", "max_ms", "props", "compile", "propose", "cpu_s", "cds_cpu");
  for (int i = 0; i < runs; ++i) {
    absl::StatusOr<c8s::bench::RunResult> r = c8s::bench::RunOnce(o);
    if (!r.ok()) {
      std::fprintf(stderr, "run %d failed: %s\n", i + 1, std::string(r.status().message()).c_str());
      return 1;
    }
    std::printf("%-4d %9.3f %9.3f %9.2f %9.2f %9.2f %6d %7.1fms %7.1fms %8.2f %8.2f\n", i + 1,
                r->seconds_to_proposal, r->create_seconds, r->reconcile_p50_ms, r->reconcile_p99_ms,
                r->reconcile_max_ms, r->proposals, r->compile_ms, r->propose_ms, r->cpu_seconds,
                r->cds_cpu_seconds);
    std::fflush(stdout);
    results.push_back(*r);
  }
  auto median = [&](auto field) {
    std::vector<double> v;
    for (const auto& r : results) v.push_back(field(r));
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
  };
  double to_prop = median([](const auto& r) { return r.seconds_to_proposal; });
  double p50 = median([](const auto& r) { return r.reconcile_p50_ms; });
  double p99 = median([](const auto& r) { return r.reconcile_p99_ms; });
  std::printf("\nmedian of %d runs: %d objects, %zu latency samples per run, manifest %zu bytes\n",
              runs, o.objects, results[0].latency_samples, results[0].manifest_bytes);
  std::printf("  seconds to proposal  %.3f   (goal < 2; creates alone %.3f)\n", to_prop,
              median([](const auto& r) { return r.create_seconds; }));
  std::printf("  reconcile p50 / p99  %.2f / %.2f ms   (goal p99 < 50)\n", p50, p99);
  std::printf("  baselines: compile %.1f ms, Propose to c8s-cds %.1f ms\n",
              median([](const auto& r) { return r.compile_ms; }),
              median([](const auto& r) { return r.propose_ms; }));
  // The keys first, then the same-run baselines.
  std::printf(
      "RESULT operator objects=%d seconds_to_proposal=%.3f reconcile_p50_ms=%.2f "
      "reconcile_p99_ms=%.2f baseline_create_seconds=%.3f baseline_compile_ms=%.1f "
      "baseline_propose_ms=%.1f\n",
      o.objects, to_prop, p50, p99, median([](const auto& r) { return r.create_seconds; }),
      median([](const auto& r) { return r.compile_ms; }),
      median([](const auto& r) { return r.propose_ms; }));
  return 0;
}
