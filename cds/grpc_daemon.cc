#include "cds/grpc_daemon.h"

#include <signal.h>
#include <sys/stat.h>

#include <CLI/CLI.hpp>
#include <atomic>

#include "cds/daemon_flags.h"
#include "cds/grpc_server.h"
#include "cds/http_server.h"
#include "lib/base/fd.h"
#include "lib/base/log.h"
#include "lib/base/signals.h"
#include "lib/base/status.h"
#include "lib/base/strings.h"
#include "lib/crypto/grpc_tls.h"

namespace c8s::cds {
namespace {

// The two front servers; replaced on the same ports when a sealed CDS opens, because the
// serving certificate then comes from the cluster CA.
struct Fronts {
  std::unique_ptr<CdsGrpcServer> grpc;
  std::unique_ptr<CdsHttpServer> http;

  absl::Status Start(CdsRuntime* rt, WriteRouter* writes, const DaemonSetup& setup,
                     const DaemonFlags& f) {
    GrpcServerOptions go = setup.grpc;
    HttpServerOptions ho = setup.http;
    if (grpc) go.listen = ReplacePort(go.listen, grpc->port());
    if (http) ho.listen = ReplacePort(ho.listen, http->port());
    // The new servers bind the same ports next to the old ones (both listen with
    // SO_REUSEPORT) before those close: a client connecting during the switch is never
    // refused, and calls in flight on the old server finish there (its shutdown grace).
    ASSIGN_OR_RETURN(std::unique_ptr<CdsGrpcServer> next_grpc,
                     CdsGrpcServer::Start(rt, writes, go));
    ASSIGN_OR_RETURN(std::unique_ptr<CdsHttpServer> next_http, CdsHttpServer::Start(rt, ho));
    Stop();
    grpc = std::move(next_grpc);
    http = std::move(next_http);
    if (!f.port_file.empty()) {
      RETURN_IF_ERROR(WriteFileAtomic(f.port_file, std::to_string(grpc->port()), 0644));
    }
    if (!f.http_port_file.empty()) {
      RETURN_IF_ERROR(WriteFileAtomic(f.http_port_file, std::to_string(http->port()), 0644));
    }
    return absl::OkStatus();
  }
  void Stop() {
    if (grpc) grpc->Shutdown();
    if (http) http->Stop();
  }
  static std::string ReplacePort(const std::string& listen, int port) {
    return listen.substr(0, listen.rfind(':') + 1) + std::to_string(port);
  }
};

absl::Status Run(const DaemonFlags& f) {
  // A replica peer or client that dies mid-write must be an EPIPE on that connection, not
  // the end of this process (OpenSSL's socket BIO writes without MSG_NOSIGNAL).
  ::signal(SIGPIPE, SIG_IGN);
  RETURN_IF_ERROR(crypto::PrepareGrpcProcess());
  ShutdownSignal shutdown;
  ASSIGN_OR_RETURN(log::Level level, log::ParseLevel(f.log_level));
  log::SetMinLevel(level);
  ASSIGN_OR_RETURN(std::unique_ptr<DaemonSetup> setup, BuildDaemonSetup(f));
  ASSIGN_OR_RETURN(std::unique_ptr<CdsRuntime> rt, CdsRuntime::Start(setup->runtime));
  std::atomic<bool> opened{false};
  rt->AddOpenListener([&] { opened = true; });
  LocalWrites local(rt.get());
  WriteRouter* writes = &local;
  std::unique_ptr<ReplicaManager> replicas;
  if (setup->replica.has_value()) {
    ASSIGN_OR_RETURN(replicas, ReplicaManager::Start(rt.get(), *setup->replica));
    writes = replicas.get();
    if (!f.replica_port_file.empty()) {
      RETURN_IF_ERROR(WriteFileAtomic(f.replica_port_file, std::to_string(replicas->port()), 0644));
    }
    ReplicaManager* r = replicas.get();
    setup->http.extra_metrics = [r] { return r->Gauges(); };
    setup->http.not_ready = [r] { return r->Conflict(); };
  }
  Fronts fronts;
  RETURN_IF_ERROR(fronts.Start(rt.get(), writes, *setup, f));
  auto report = [&](std::string_view what) {
    std::shared_ptr<Cds> cds = rt->cds();
    AttestationInfo info = cds ? cds->Attestation() : AttestationInfo{};
    log::Info(what, {{"grpc_port", fronts.grpc->port()},
                     {"https_port", fronts.http->port()},
                     {"sealed", cds == nullptr},
                     {"cluster", info.cluster},
                     {"claimed", info.claimed},
                     {"generation", info.generation},
                     {"storage", setup->runtime.storage->Describe()}});
  };
  report("serving");
  while (!shutdown.WaitFor(absl::Milliseconds(200))) {
    if (opened.exchange(false)) {
      RETURN_IF_ERROR(fronts.Start(rt.get(), writes, *setup, f));
      report("opened: serving with the cluster CA's certificate");
    }
  }
  log::Info("shutting down", {{"signal", shutdown.signal_number()}});
  fronts.Stop();
  replicas.reset();
  return absl::OkStatus();
}

}  // namespace

int RunCdsMain(int argc, char** argv) {
  log::SetComponent("cds");
  DaemonFlags f;
  CLI::App app{
      "c8s-cds: the c8s Certificate Distribution Service (attested identities, "
      "owner-approved manifest, policy bundles, secret release, recovery)"};
  AddDaemonFlags(app, f);
  CLI11_PARSE(app, argc, argv);
  absl::Status st = Run(f);
  if (!st.ok()) {
    log::Error("c8s-cds failed", {{"error", StatusText(st)}});
    return 1;
  }
  return 0;
}

}  // namespace c8s::cds
