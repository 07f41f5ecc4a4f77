// c8s-bench-nri: CreateContainer round-trip latency over a unix socket through the real plugin
// (PluginRunner in external mode: NRI mux, ttrpc, decoding, the decision, the admission record,
// the log line), from containerd's side of the socket, with 10 and 10 000 allowed digests.
// Baseline: the same round trip to a ttrpc server with an empty handler over the same
// multiplexer, i.e. what the protocol and the socket alone cost. Each configuration runs 3
// rounds; the figures are the median round's (by p99).
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/time/clock.h"
#include "lib/base/log.h"
#include "lib/base/status.h"
#include "lib/ttrpc/client.h"
#include "lib/ttrpc/frame.h"
#include "lib/ttrpc/message.h"
#include "lib/ttrpc/server.h"
#include "lib/ttrpc/unix_socket.h"
#include "lib/ttrpc/wire.h"
#include "node-agent/admission/bundle_builder.h"
#include "node-agent/admission/fixed_policy.h"
#include "node-agent/nri/runner.h"
#include "test/nri/runtime_driver.h"

namespace c8s::nri {
namespace {

constexpr int kWarmup = 1000;
constexpr int kCalls = 10000;
// Calls are paced (a new one starts this long after the previous one was sent), as containerd
// makes them: one pod container at a time, at most hundreds per second per node. Back-to-back
// calls would instead measure how long the kernel lets two threads that are busy all the time
// run on a shared machine before it makes them wait for everyone else (milliseconds).
constexpr absl::Duration kInterval = absl::Microseconds(250);
constexpr int kRounds = 3;
constexpr int kDigestsPerIdentity = 10;

// Waits until kInterval after the previous call started (no wait if that time has passed).
void Pace() {
  static thread_local absl::Time next = absl::Now();
  absl::Time now = absl::Now();
  if (next > now) absl::SleepFor(next - now);
  next = std::max(next, now) + kInterval;
}

struct Figures {
  double p50_us = 0, p99_us = 0, max_us = 0;
};

Figures Percentiles(std::vector<double> us) {
  std::sort(us.begin(), us.end());
  auto at = [&](double q) { return us[static_cast<size_t>(q * (us.size() - 1))]; };
  return {at(0.50), at(0.99), us.back()};
}

Figures Median(std::vector<Figures> rounds) {
  std::sort(rounds.begin(), rounds.end(),
            [](const Figures& a, const Figures& b) { return a.p99_us < b.p99_us; });
  return rounds[rounds.size() / 2];
}

// `digests` allowed digests in identities of 10 over namespaces of 10 identities each: the
// decision looks up the pod's namespace, checks its identities' selectors and one digest.
manifest::PolicyBundle MakeBundle(int digests) {
  admission::BundleBuilder b(42);
  int identities = std::max(1, digests / kDigestsPerIdentity);
  for (int i = 0; i < identities; ++i) {
    std::vector<manifest::Container> containers;
    for (int d = 0; d < kDigestsPerIdentity && i * kDigestsPerIdentity + d < std::max(digests, 1);
         ++d) {
      containers.push_back(admission::Image("ghcr.io/acme/app" + std::to_string(i),
                                            static_cast<uint64_t>(i * kDigestsPerIdentity + d)));
    }
    char ref[64];
    std::snprintf(ref, sizeof ref, "ns-%04d/app-%05d", i / 10, i);
    b.Identity(ref, {{"app", "app-" + std::to_string(i)}}, std::move(containers));
  }
  manifest::PolicyBundle bundle = b.Build();
  std::sort(bundle.identities.begin(), bundle.identities.end(),
            [](const auto& x, const auto& y) { return x.ref < y.ref; });
  return bundle;
}

// What containerd 2.0 sends for a typical pod container: labels, CRI annotations, args, env,
// and mounts/linux sections the plugin skips.
PodContainerRequest MakeRequest(int identity, uint64_t digest) {
  PodContainerRequest r;
  char ns[32];
  std::snprintf(ns, sizeof ns, "ns-%04d", identity / 10);
  r.pod = {"5f1e0c9a7b3d",
           "app-7d9f8c6b5-x2x9k",
           "8c1b2a3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d",
           ns,
           {{"app", "app-" + std::to_string(identity)},
            {"pod-template-hash", "7d9f8c6b5"},
            {"io.kubernetes.pod.name", "app-7d9f8c6b5-x2x9k"},
            {"io.kubernetes.pod.namespace", ns}},
           "runc",
           4242};
  r.container.pod_sandbox_id = r.pod.id;
  r.container.name = "app";
  r.container.annotations = {
      {std::string(kImageNameAnnotation),
       "ghcr.io/acme/app" + std::to_string(identity) + "@" + admission::TestDigest(digest)},
      {"io.kubernetes.cri.container-type", "container"},
      {"io.kubernetes.cri.sandbox-id", r.pod.id},
      {"io.kubernetes.cri.sandbox-namespace", ns},
      {"io.kubernetes.cri.container-name", "app"}};
  r.container.args = {"/app", "--port=8080", "--log-level=info"};
  r.container.env = {"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                     "HOSTNAME=app-7d9f8c6b5-x2x9k", "KUBERNETES_SERVICE_HOST=10.96.0.1",
                     "KUBERNETES_SERVICE_PORT=443", "MODE=prod"};
  return r;
}

std::string WithSkippedSections(const PodContainerRequest& r) {
  std::string container = EncodeContainer(r.container);
  ttrpc::WireWriter extra;
  // Container labels (5), pod annotations passed through (6), mounts (9), linux (11).
  extra.MapEntry(5, "io.kubernetes.container.name", "app");
  extra.MapEntry(5, "io.kubernetes.pod.name", r.pod.name);
  extra.MapEntry(5, "io.cri-containerd.kind", "container");
  extra.MapEntry(5, "org.opencontainers.image.source", "https://github.com/acme/app");
  extra.MapEntry(6, "kubernetes.io/config.source", "api");
  extra.MapEntry(6, "kubernetes.io/config.seen", "2026-11-22T10:00:00.000000000Z");
  for (int i = 0; i < 8; ++i) {  // mounts (field 9)
    ttrpc::WireWriter m;
    m.String(1, "/var/run/secrets/kubernetes.io/serviceaccount" + std::to_string(i));
    m.String(2, "bind");
    m.String(3, "/var/lib/kubelet/pods/8c1b2a3d/volumes/kubernetes.io~projected/kube-api");
    m.String(4, "rbind");
    m.String(4, "ro");
    extra.Bytes(9, m.data());
  }
  extra.Bytes(11, std::string(600, '\x01'));  // linux: namespaces, resources (opaque here)
  ttrpc::WireWriter w;
  ttrpc::WireWriter pod_extra;  // pod annotations (6)
  pod_extra.MapEntry(6, "kubernetes.io/config.source", "api");
  pod_extra.MapEntry(6, "kubernetes.io/config.seen", "2026-11-22T10:00:00.000000000Z");
  w.Bytes(1, EncodePodSandbox(r.pod) + pod_extra.data());
  w.Bytes(2, container + extra.data());
  return w.Take();
}

// containerd's side, kept synchronous (write the request, read the reply on the same thread) so
// that the figures are the plugin's: no client-side thread hand-off in the measured path.
class SyncClient {
 public:
  explicit SyncClient(UniqueFd fd) : peer_(std::move(fd)) {}
  // One call on conn 1; the reply's ttrpc data (a Response), or the error.
  absl::StatusOr<std::string> Call(std::string_view method, std::string_view payload) {
    uint32_t stream = next_stream_;
    next_stream_ += 2;
    RETURN_IF_ERROR(peer_.Write(testing::PluginRequestFrame(stream, method, payload)));
    ASSIGN_OR_RETURN(ttrpc::MuxFrame f, peer_.ReadMuxFrame(absl::Seconds(5)));
    decoder_.Feed(f.payload);
    std::optional<ttrpc::Frame> frame = decoder_.Next();
    if (!frame || frame->header.stream_id != stream) {
      return absl::InternalError("reply does not match the request's stream");
    }
    ASSIGN_OR_RETURN(ttrpc::Response r, ttrpc::DecodeResponse(frame->data));
    RETURN_IF_ERROR(ttrpc::StatusFromRpc(r.status));
    return r.payload;
  }
  // containerd's part of the handshake: answer RegisterPlugin, then Configure and Synchronize.
  absl::Status Handshake() {
    ASSIGN_OR_RETURN(ttrpc::MuxFrame reg, peer_.ReadMuxFrame(absl::Seconds(5)));
    std::string ok, wire;
    ttrpc::AppendFrame(ok, 1, ttrpc::MessageType::kResponse, 0, "");
    ttrpc::AppendMuxFrames(wire, ttrpc::kRuntimeServiceConn, ok);
    RETURN_IF_ERROR(peer_.Write(wire));
    RETURN_IF_ERROR(
        Call("Configure", EncodeConfigureRequest(testing::DefaultConfigure())).status());
    return Call("Synchronize", EncodeSynchronizeRequest({})).status();
  }

 private:
  testing::RawPeer peer_;
  ttrpc::FrameDecoder decoder_;
  uint32_t next_stream_ = 1;
};

struct Plugin {
  explicit Plugin(const std::string& dir, manifest::PolicyBundle bundle)
      : policy(std::make_shared<const manifest::PolicyBundle>(std::move(bundle))),
        decider(policy, {}, nullptr) {
    std::string sock = dir + "/nri.sock";
    listener = *ttrpc::ListenUnix(sock);
    RunnerOptions o;
    o.socket_path = sock;
    runner = std::make_unique<PluginRunner>(o, decider, store);
    thread = std::thread([this] { (void)runner->Run(); });
  }
  ~Plugin() {
    runner->Stop();
    thread.join();
  }
  admission::FixedPolicy policy;
  admission::Decider decider;
  admission::AdmissionStore store;
  UniqueFd listener;
  std::unique_ptr<PluginRunner> runner;
  std::thread thread;
};

Figures BenchPlugin(const std::string& dir, int digests, int* bundle_digests) {
  manifest::PolicyBundle bundle = MakeBundle(digests);
  *bundle_digests = 0;
  for (const auto& id : bundle.identities)
    *bundle_digests += static_cast<int>(id.containers.size());
  int identities = static_cast<int>(bundle.identities.size());
  Plugin plugin(dir, std::move(bundle));
  auto fd = ttrpc::AcceptUnix(plugin.listener.get(), absl::Seconds(10));
  if (!fd.ok()) {
    std::fprintf(stderr, "accept: %s\n", fd.status().ToString().c_str());
    std::exit(1);
  }
  SyncClient driver(std::move(*fd));
  if (absl::Status st = driver.Handshake(); !st.ok()) {
    std::fprintf(stderr, "handshake with the plugin failed: %s\n", st.ToString().c_str());
    std::exit(1);
  }
  // The pod of an identity in the middle of the bundle, with its last digest.
  int identity = identities / 2;
  uint64_t digest = static_cast<uint64_t>(identity * kDigestsPerIdentity +
                                          std::min(kDigestsPerIdentity, digests) - 1);
  PodContainerRequest request = MakeRequest(identity, digest);
  std::vector<Figures> rounds;
  uint64_t n = 0;
  for (int round = 0; round < kRounds; ++round) {
    std::vector<double> us;
    us.reserve(kCalls);
    for (int i = 0; i < kWarmup + kCalls; ++i) {
      request.container.id = "c" + std::to_string(n++);
      std::string payload = WithSkippedSections(request);
      Pace();
      absl::Time start = absl::Now();
      absl::StatusOr<std::string> reply = driver.Call("CreateContainer", payload);
      absl::Duration took = absl::Now() - start;
      if (!reply.ok() || !reply->empty()) {
        std::fprintf(stderr, "CreateContainer was not allowed: %s\n",
                     reply.status().ToString().c_str());
        std::exit(1);
      }
      if (i >= kWarmup) us.push_back(absl::ToDoubleMicroseconds(took));
    }
    rounds.push_back(Percentiles(std::move(us)));
  }
  if (plugin.store.All().size() != n) {
    std::fprintf(stderr, "admission records missing\n");
    std::exit(1);
  }
  return Median(rounds);
}

// The same socket, multiplexer and ttrpc stack with an empty handler.
Figures BenchBaseline() {
  auto fds = *ttrpc::UnixSocketPair();
  ttrpc::Session server_session(std::move(fds.first), ttrpc::Framing::kNriMux);
  ttrpc::Server server(server_session.writer(ttrpc::kPluginServiceConn));
  server.Register(std::string(kPluginService), "CreateContainer",
                  [](const ttrpc::Request&) -> absl::StatusOr<std::string> { return ""; });
  server_session.Attach(ttrpc::kPluginServiceConn, &server);
  server_session.Start();
  SyncClient client(std::move(fds.second));
  std::string payload = WithSkippedSections(MakeRequest(0, 0));
  std::vector<Figures> rounds;
  for (int round = 0; round < kRounds; ++round) {
    std::vector<double> us;
    for (int i = 0; i < kWarmup + kCalls; ++i) {
      Pace();
      absl::Time start = absl::Now();
      auto reply = client.Call("CreateContainer", payload);
      absl::Duration took = absl::Now() - start;
      if (!reply.ok()) std::exit(1);
      if (i >= kWarmup) us.push_back(absl::ToDoubleMicroseconds(took));
    }
    rounds.push_back(Percentiles(std::move(us)));
  }
  server_session.Close();
  (void)server_session.Wait();  // before `server` goes: the reader calls into it until then
  return Median(rounds);
}

int Main() {
  // Logs stay on (one line per admission, as in production) but go to /dev/null.
  int null = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
  log::SetSink([null](std::string_view line) { (void)!::write(null, line.data(), line.size()); });
  char tmpl[] = "/tmp/c8s-bench-nri-XXXXXX";
  if (::mkdtemp(tmpl) == nullptr) return 1;
  std::string dir = tmpl;
  std::printf("CreateContainer round trip through the real plugin over a unix socket\n");
  std::printf(
      "(%d calls x %d rounds per row after %d warm-up calls, one every %s; median round)\n\n",
      kCalls, kRounds, kWarmup, absl::FormatDuration(kInterval).c_str());
  std::printf("%-34s %10s %10s %10s\n", "configuration", "p50 us", "p99 us", "max us");
  Figures base = BenchBaseline();
  std::printf("%-34s %10.1f %10.1f %10.1f\n", "baseline: ttrpc+mux, empty handler", base.p50_us,
              base.p99_us, base.max_us);
  int d10 = 0, d10k = 0;
  Figures small = BenchPlugin(dir, 10, &d10);
  std::printf("%-34s %10.1f %10.1f %10.1f\n",
              ("plugin, " + std::to_string(d10) + " digests").c_str(), small.p50_us, small.p99_us,
              small.max_us);
  Figures large = BenchPlugin(dir, 10000, &d10k);
  std::printf("%-34s %10.1f %10.1f %10.1f\n",
              ("plugin, " + std::to_string(d10k) + " digests").c_str(), large.p50_us, large.p99_us,
              large.max_us);
  std::printf("\ngoal: p99 < 100 us with 10 000 digests\n");
  std::printf(
      "RESULT nri digests=%d p50_us=%.1f p99_us=%.1f digests10_p50_us=%.1f "
      "digests10_p99_us=%.1f baseline_p50_us=%.1f baseline_p99_us=%.1f\n",
      d10k, large.p50_us, large.p99_us, small.p50_us, small.p99_us, base.p50_us, base.p99_us);
  ::unlink((dir + "/nri.sock").c_str());
  ::rmdir(dir.c_str());
  return 0;
}

}  // namespace
}  // namespace c8s::nri

int main() { return c8s::nri::Main(); }
