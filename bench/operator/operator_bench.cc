#include "bench/operator/operator_bench.h"

#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <thread>

#include "absl/time/clock.h"
#include "bench/operator/cds_child.h"
#include "lib/base/fd.h"
#include "lib/base/status.h"
#include "lib/base/strings.h"
#include "lib/crypto/keys.h"
#include "lib/kube/yaml.h"
#include "lib/manifest/parse.h"
#include "operator/grpc_cds_client.h"
#include "operator/operator.h"
#include "operator/resources.h"
#include "test/kube-local/local_cluster.h"

namespace c8s::bench {
namespace {

using nlohmann::json;

absl::StatusOr<json> Sample(const std::string& src, const std::string& file) {
  ASSIGN_OR_RETURN(std::string text, ReadFile(src + "/crds/samples/" + file));
  ASSIGN_OR_RETURN(std::vector<json> docs, kube::YamlToJson(text));
  if (docs.empty()) return absl::NotFoundError(file + " is empty");
  return docs[0];
}

double ThreadCpuMs() {
  struct timespec ts {};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

double CpuSeconds() {
  struct rusage ru {};
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec +
         ru.ru_stime.tv_usec / 1e6;
}

absl::StatusOr<std::unique_ptr<kube::Client>> NewClient(const kubelocal::LocalCluster& c) {
  ASSIGN_OR_RETURN(kube::KubeConfig cfg, kube::LoadKubeconfig(c.kubeconfig_path()));
  return kube::Client::Create(cfg);
}

struct Proposals {
  std::mutex mu;
  std::condition_variable cv;
  std::vector<std::pair<absl::Time, size_t>> seen;  // time, identities
  std::string last_hash;
};

}  // namespace

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * v.size()))];
}

absl::StatusOr<double> CompileLoop(const RunOptions& o, int times) {
  op::CompileInputs in;
  ASSIGN_OR_RETURN(in.cluster, Sample(o.source_dir, "10-confidentialcluster.yaml"));
  ASSIGN_OR_RETURN(json policy, Sample(o.source_dir, "20-attestationpolicy.yaml"));
  in.policies = {policy};
  ASSIGN_OR_RETURN(json wid, Sample(o.source_dir, "30-workloadidentity.yaml"));
  wid["spec"]["allowFrom"] = {"c8s-system/ingress"};
  for (int i = 0; i < o.objects; ++i) {
    json obj = wid;
    obj["metadata"]["name"] = StrCat("svc-", i);
    obj["spec"]["dnsNames"] = {StrCat("svc-", i, ".shop.svc.cluster.local")};
    in.identities.push_back(std::move(obj));
  }
  double best = 1e9;
  for (int i = 0; i < times; ++i) {
    double c0 = ThreadCpuMs();
    ASSIGN_OR_RETURN(op::Compiled c, op::CompileManifest(in));
    best = std::min(best, ThreadCpuMs() - c0);
  }
  return best;
}

absl::StatusOr<RunResult> RunOnce(const RunOptions& o) {
  std::string dir = std::filesystem::temp_directory_path() /
                    StrCat("c8s-bench-operator-", getpid(), "-", absl::ToUnixNanos(absl::Now()));
  std::filesystem::create_directories(dir);
  struct Cleanup {
    std::string dir;
    ~Cleanup() { std::filesystem::remove_all(dir); }
  } cleanup{dir};

  kubelocal::ClusterOptions co;
  co.state_dir = dir + "/kube";
  co.crd_paths = {o.source_dir + "/crds"};
  co.history = 50000;
  kubelocal::LocalCluster cluster(co);
  RETURN_IF_ERROR(Annotate(cluster.Start(), "c8s-kube-local"));
  ASSIGN_OR_RETURN(std::unique_ptr<kube::Client> client, NewClient(cluster));
  ASSIGN_OR_RETURN(std::unique_ptr<CdsChild> cds, CdsChild::Start(o.cds_binary, dir));
  ASSIGN_OR_RETURN(std::string ca, cds->CaPem());
  ASSIGN_OR_RETURN(std::unique_ptr<op::GrpcCdsClient> cds_client,
                   op::GrpcCdsClient::Create({.target = cds->address(), .ca_pem = ca}));

  const kube::Resource namespaces{"", "v1", "namespaces", false};
  for (const char* ns : {"shop", "c8s-system"}) {
    RETURN_IF_ERROR(
        client
            ->Create(namespaces, "",
                     {{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", ns}}}})
            .status());
  }
  ASSIGN_OR_RETURN(crypto::PrivateKey owner, crypto::PrivateKey::Generate(crypto::KeyType::kP256));
  ASSIGN_OR_RETURN(json ccl, Sample(o.source_dir, "10-confidentialcluster.yaml"));
  ccl["spec"]["owners"] = {{{"name", "alice"}, {"publicKey", owner.GetPublicKey().ToPem()}}};
  RETURN_IF_ERROR(client->Create(op::kClusters, "", ccl).status());
  ASSIGN_OR_RETURN(json policy, Sample(o.source_dir, "20-attestationpolicy.yaml"));
  RETURN_IF_ERROR(client->Create(op::kPolicies, "", policy).status());
  ASSIGN_OR_RETURN(json wid, Sample(o.source_dir, "30-workloadidentity.yaml"));
  wid["spec"]["allowFrom"] = {"c8s-system/ingress"};

  Proposals proposals;
  op::OperatorOptions oo;
  oo.lease = {.ns = "default", .name = "c8s-operator", .identity = "bench"};
  oo.controllers.identity = "bench";
  oo.controllers.manifest.on_proposed = [&](const std::string& hash, size_t identities) {
    std::lock_guard<std::mutex> lock(proposals.mu);
    proposals.seen.emplace_back(absl::Now(), identities);
    proposals.last_hash = hash;
    proposals.cv.notify_all();
  };
  auto operator_owner = std::make_unique<op::Operator>(client.get(), cds_client.get(), oo);
  op::Operator& op = *operator_owner;
  std::atomic<bool> stop{false};
  std::thread runner([&] { op.Run(&stop); });
  struct Join {
    std::atomic<bool>* stop;
    std::thread* t;
    ~Join() {
      *stop = true;
      if (t->joinable()) t->join();
    }
  } join{&stop, &runner};

  auto wait_for = [&](size_t identities, absl::Duration timeout) -> absl::StatusOr<absl::Time> {
    std::unique_lock<std::mutex> lock(proposals.mu);
    bool ok = proposals.cv.wait_for(lock, absl::ToChronoMilliseconds(timeout), [&] {
      for (const auto& [t, n] : proposals.seen) {
        if (n == identities) return true;
      }
      return false;
    });
    if (!ok) {
      return absl::DeadlineExceededError(StrCat(
          "no proposal with ", identities, " identities within ", absl::FormatDuration(timeout)));
    }
    for (const auto& [t, n] : proposals.seen) {
      if (n == identities) return t;
    }
    return absl::InternalError("unreachable");
  };
  RETURN_IF_ERROR(Annotate(wait_for(0, absl::Seconds(30)).status(), "initial proposal"));
  size_t proposals_before = 0;
  {
    std::lock_guard<std::mutex> lock(proposals.mu);
    proposals_before = proposals.seen.size();
  }
  size_t latencies_before = op.ReconcileLatenciesMs().size();

  // The measured part: N creates from `writers` clients, until the proposal with all N.
  std::vector<std::unique_ptr<kube::Client>> writers;
  for (int w = 0; w < o.writers; ++w) {
    ASSIGN_OR_RETURN(std::unique_ptr<kube::Client> c, NewClient(cluster));
    writers.push_back(std::move(c));
  }
  std::atomic<int> next{0};
  std::atomic<bool> failed{false};
  double cpu0 = CpuSeconds();
  absl::Time t0 = absl::Now();
  std::vector<std::thread> threads;
  for (int w = 0; w < o.writers; ++w) {
    threads.emplace_back([&, w] {
      for (int i = next++; i < o.objects && !failed; i = next++) {
        json obj = wid;
        std::string name = StrCat("svc-", i);
        obj["metadata"]["name"] = name;
        obj["spec"]["dnsNames"] = {name + ".shop.svc.cluster.local"};
        if (!writers[w]->Create(op::kIdentities, "shop", obj).ok()) failed = true;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  if (failed) return absl::InternalError("a create failed");
  RunResult r;
  r.create_seconds = absl::ToDoubleSeconds(absl::Now() - t0);
  ASSIGN_OR_RETURN(absl::Time t1, wait_for(o.objects, absl::Seconds(60)));
  r.seconds_to_proposal = absl::ToDoubleSeconds(t1 - t0);
  r.cpu_seconds = CpuSeconds() - cpu0;
  absl::SleepFor(absl::Milliseconds(300));  // the reconciles after the proposal finish
  std::vector<double> all = op.ReconcileLatenciesMs();
  std::vector<double> lat(all.begin() + static_cast<long>(latencies_before), all.end());
  r.latency_samples = lat.size();
  r.reconcile_p50_ms = Percentile(lat, 0.50);
  r.reconcile_p99_ms = Percentile(lat, 0.99);
  r.reconcile_max_ms = lat.empty() ? 0 : *std::max_element(lat.begin(), lat.end());
  std::string hash;
  {
    std::lock_guard<std::mutex> lock(proposals.mu);
    r.proposals = static_cast<int>(proposals.seen.size() - proposals_before);
    hash = proposals.last_hash;
  }

  // Check what the CDS holds, and measure the baselines on the same data.
  ASSIGN_OR_RETURN(std::string pending, cds->Pending(hash));
  r.manifest_bytes = pending.size();
  ASSIGN_OR_RETURN(manifest::Manifest m, manifest::ParseManifest(pending));
  if (m.identities.size() != static_cast<size_t>(o.objects)) {
    return absl::InternalError(StrCat("the CDS holds ", m.identities.size(), " identities"));
  }
  op::CompileInputs in;
  in.cluster = ccl;
  ASSIGN_OR_RETURN(json all_wids, client->ListAll(op::kIdentities, "shop"));
  ASSIGN_OR_RETURN(json live_ccl, client->Get(op::kClusters, "", "prod"));
  in.cluster = live_ccl;
  ASSIGN_OR_RETURN(json live_policy, client->Get(op::kPolicies, "", "cvm-prod"));
  in.policies = {live_policy};
  for (json& w : all_wids["items"]) in.identities.push_back(std::move(w));
  // Thread CPU time, best of 5: what one compile costs, whatever else the machine runs.
  r.compile_ms = 1e9;
  absl::StatusOr<op::Compiled> compiled_or;
  for (int i = 0; i < 5; ++i) {
    double c0 = ThreadCpuMs();
    compiled_or = op::CompileManifest(in);
    r.compile_ms = std::min(r.compile_ms, ThreadCpuMs() - c0);
  }
  ASSIGN_OR_RETURN(op::Compiled compiled, std::move(compiled_or));
  if (compiled.hash != hash) {
    return absl::InternalError(StrCat("recompiled ", compiled.hash, ", proposed ", hash));
  }
  absl::Time p0 = absl::Now();
  RETURN_IF_ERROR(cds_client->Propose(compiled.canonical).status());
  r.propose_ms = absl::ToDoubleMilliseconds(absl::Now() - p0);

  stop = true;
  runner.join();
  r.cds_cpu_seconds = cds->Stop();
  // Close the clients' keep-alive connections first: the server's connection threads would
  // otherwise wait out their idle timeout (30 s) before Stop() returns.
  operator_owner.reset();
  writers.clear();
  client.reset();
  cluster.Stop();
  return r;
}

}  // namespace c8s::bench
