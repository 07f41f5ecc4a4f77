// c8s-bench-kube: lib/kube + c8s-kube-local + the manifest compiler at operator scale.
// Creates N WorkloadIdentity objects through the REST client, measures create throughput,
// watch-event delivery latency (create sent -> informer handler ran) p50/p99, and the
// time to compile all N into one manifest.
//
//   build/bin/c8s-bench-kube [N]
#include <algorithm>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <mutex>
#include <vector>

#include "absl/time/clock.h"
#include "lib/base/fd.h"
#include "lib/kube/informer.h"
#include "lib/kube/yaml.h"
#include "operator/compile.h"
#include "test/kube-local/local_cluster.h"

namespace {

using nlohmann::json;

json FirstDoc(const std::string& path) {
  auto text = c8s::ReadFile(path);
  auto docs = c8s::kube::YamlToJson(text.ok() ? *text : "");
  return docs.ok() && !docs->empty() ? (*docs)[0] : json();
}

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * v.size()))];
}

}  // namespace

int main(int argc, char** argv) {
  int n = argc > 1 ? std::atoi(argv[1]) : 1000;
  std::string src = std::getenv("C8S_SOURCE_DIR") ? std::getenv("C8S_SOURCE_DIR") : ".";
  std::string dir =
      std::filesystem::temp_directory_path() / ("c8s-bench-kube-" + std::to_string(getpid()));
  c8s::kubelocal::ClusterOptions co;
  co.state_dir = dir;
  co.crd_paths = {src + "/crds"};
  c8s::kubelocal::LocalCluster cluster(co);
  if (absl::Status s = cluster.Start(); !s.ok()) {
    std::fprintf(stderr, "start: %s (run from the repository root or set C8S_SOURCE_DIR)\n",
                 std::string(s.message()).c_str());
    return 1;
  }
  auto cfg = c8s::kube::LoadKubeconfig(cluster.kubeconfig_path());
  auto client = c8s::kube::Client::Create(*cfg);
  if (!client.ok()) return 1;
  c8s::kube::Client& c = **client;
  const c8s::kube::Resource wids{"c8s.dev", "v1alpha1", "workloadidentities", true};
  (void)c.Create({"", "v1", "namespaces", false}, "",
                 {{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", "shop"}}}});
  json base = FirstDoc(src + "/crds/samples/30-workloadidentity.yaml");
  base["spec"]["allowFrom"] = {"c8s-system/ingress"};

  std::mutex mu;
  std::condition_variable cv;
  std::map<std::string, absl::Time> seen;
  c8s::kube::Informer inf(&c, wids, {.ns = "shop"});
  inf.AddHandlers({.on_add =
                       [&](const json& o) {
                         std::lock_guard<std::mutex> lock(mu);
                         seen[o["metadata"]["name"]] = absl::Now();
                         cv.notify_all();
                       },
                   .on_update = nullptr,
                   .on_delete = nullptr});
  inf.Start();
  inf.WaitForSync(absl::Seconds(10));

  std::vector<absl::Time> created(n);
  absl::Time start = absl::Now();
  for (int i = 0; i < n; ++i) {
    json o = base;
    std::string name = "svc-" + std::to_string(i);
    o["metadata"]["name"] = name;
    o["spec"]["dnsNames"] = {name + ".shop.svc.cluster.local"};
    created[i] = absl::Now();  // request start: the event may arrive before the response
    if (!c.Create(wids, "shop", o).ok()) return 1;
  }
  double create_s = absl::ToDoubleSeconds(absl::Now() - start);
  {
    std::unique_lock<std::mutex> lock(mu);
    cv.wait_for(lock, std::chrono::seconds(30),
                [&] { return seen.size() >= static_cast<size_t>(n); });
  }
  double watch_all_s = absl::ToDoubleSeconds(absl::Now() - start);
  std::vector<double> latency_ms;
  for (int i = 0; i < n; ++i) {
    auto it = seen.find("svc-" + std::to_string(i));
    if (it != seen.end())
      latency_ms.push_back(
          absl::ToDoubleMilliseconds(std::max(it->second - created[i], absl::ZeroDuration())));
  }
  inf.Stop();

  c8s::op::CompileInputs in;
  in.cluster = FirstDoc(src + "/crds/samples/10-confidentialcluster.yaml");
  in.policies = {FirstDoc(src + "/crds/samples/20-attestationpolicy.yaml")};
  in.identities = inf.List();
  absl::Time t0 = absl::Now();
  auto compiled = c8s::op::CompileManifest(in);
  double compile_s = absl::ToDoubleSeconds(absl::Now() - t0);
  size_t compiled_n = compiled.ok() ? compiled->manifest.identities.size() : 0;
  cluster.Stop();
  std::filesystem::remove_all(dir);

  std::printf("%-34s %12s\n", "measure", "value");
  std::printf("%-34s %12d\n", "objects", n);
  std::printf("%-34s %12.3f\n", "create all (s)", create_s);
  std::printf("%-34s %12.1f\n", "creates per second", n / create_s);
  std::printf("%-34s %12.3f\n", "all seen by informer (s)", watch_all_s);
  std::printf("%-34s %12.3f\n", "watch latency p50 (ms)", Percentile(latency_ms, 0.50));
  std::printf("%-34s %12.3f\n", "watch latency p99 (ms)", Percentile(latency_ms, 0.99));
  std::printf("%-34s %12.3f\n", "compile manifest (s)", compile_s);
  std::printf("%-34s %12zu\n", "identities in manifest", compiled_n);
  std::printf(
      "RESULT kube objects=%d create_per_s=%.1f watch_p50_ms=%.3f watch_p99_ms=%.3f "
      "compile_s=%.3f\n",
      n, n / create_s, Percentile(latency_ms, 0.50), Percentile(latency_ms, 0.99), compile_s);
  return compiled_n == static_cast<size_t>(n) && latency_ms.size() == static_cast<size_t>(n) ? 0
                                                                                             : 1;
}
