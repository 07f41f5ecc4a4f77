#include "operator/grpc_daemon.h"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <thread>

#include "lib/base/fd.h"
#include "lib/base/log.h"
#include "lib/base/signals.h"
#include "lib/base/status.h"
#include "lib/base/strings.h"
#include "lib/kube/config.h"
#include "operator/grpc_cds_client.h"
#include "operator/operator.h"

namespace c8s::op {
namespace {

struct Flags {
  std::string kubeconfig;
  std::string context;
  std::string cds_address;
  std::string cds_ca;
  std::string http_address = "0.0.0.0:8080";
  std::string http_port_file;
  bool leader_elect = true;
  std::string lease_namespace;
  std::string lease_name = "c8s-operator";
  std::string identity;
  int64_t lease_duration_s = 15, renew_deadline_s = 10, retry_period_ms = 2000;
  int64_t settle_ms = 200, max_settle_ms = 2000, poll_ms = 2000, resync_s = 30;
  int64_t max_retry_delay_s = 60, cds_deadline_ms = 5000;
  int status_workers = 4;
  bool events = true;
  std::string log_level = "info";
};

std::string DefaultIdentity() {
  char host[256] = {0};
  if (gethostname(host, sizeof(host) - 1) != 0 || host[0] == '\0') std::snprintf(host, 8, "op");
  return StrCat(host, "_", getpid());
}

absl::Status Run(const Flags& f) {
  ShutdownSignal shutdown;  // before any thread starts: they inherit the blocked signals
  ASSIGN_OR_RETURN(log::Level level, log::ParseLevel(f.log_level));
  log::SetMinLevel(level);
  ASSIGN_OR_RETURN(kube::KubeConfig cfg,
                   Annotate(kube::LoadConfig(f.kubeconfig, {.context = f.context}), "kube config"));
  ASSIGN_OR_RETURN(std::unique_ptr<kube::Client> client,
                   Annotate(kube::Client::Create(cfg), "kube API"));
  ASSIGN_OR_RETURN(std::string ca_pem, Annotate(ReadFile(f.cds_ca), "--cds-ca"));
  ASSIGN_OR_RETURN(std::unique_ptr<GrpcCdsClient> cds,
                   GrpcCdsClient::Create({.target = f.cds_address,
                                          .ca_pem = ca_pem,
                                          .deadline = absl::Milliseconds(f.cds_deadline_ms)}));
  OperatorOptions o;
  o.leader_elect = f.leader_elect;
  o.lease.ns = f.lease_namespace.empty() ? cfg.ns : f.lease_namespace;
  o.lease.name = f.lease_name;
  o.lease.identity = f.identity.empty() ? DefaultIdentity() : f.identity;
  o.lease.lease_duration = absl::Seconds(f.lease_duration_s);
  o.lease.renew_deadline = absl::Seconds(f.renew_deadline_s);
  o.lease.retry_period = absl::Milliseconds(f.retry_period_ms);
  ControllersOptions& c = o.controllers;
  c.manifest.settle = absl::Milliseconds(f.settle_ms);
  c.manifest.max_settle = absl::Milliseconds(f.max_settle_ms);
  c.manifest.poll_interval = absl::Milliseconds(f.poll_ms);
  c.manifest.resync_interval = absl::Seconds(f.resync_s);
  c.manifest.cds_backoff.max = absl::Seconds(f.max_retry_delay_s);
  c.max_retry_delay = absl::Seconds(f.max_retry_delay_s);
  c.status_workers = f.status_workers;
  c.identity = o.lease.identity;
  c.record_events = f.events;

  Operator op(client.get(), cds.get(), o);
  RETURN_IF_ERROR(op.StartHttp(f.http_address));
  if (!f.http_port_file.empty()) {
    RETURN_IF_ERROR(WriteFileAtomic(f.http_port_file, std::to_string(op.http_port()), 0644));
  }
  log::Info("started", {{"identity", o.lease.identity},
                        {"api", StrCat(cfg.host, ":", cfg.port)},
                        {"cds", f.cds_address},
                        {"http_port", op.http_port()},
                        {"leader_elect", f.leader_elect},
                        {"lease", StrCat(o.lease.ns, "/", o.lease.name)}});
  std::atomic<bool> stop{false};
  std::thread waiter([&] {
    shutdown.Wait();
    log::Info("shutting down", {{"signal", shutdown.signal_number()}});
    stop = true;
  });
  op.Run(&stop);
  shutdown.Trigger();  // Run only returns once stop is set; wakes the waiter either way
  waiter.join();
  log::Info("stopped", {{"proposals", op.proposals()}});
  return absl::OkStatus();
}

}  // namespace

int RunOperatorMain(int argc, char** argv) {
  log::SetComponent("operator");
  Flags f;
  CLI::App app{
      "c8s-operator: turns c8s custom resources into the c8s components and one manifest "
      "proposal to the CDS, and reports progress in their status. It holds no keys: only an "
      "owner's approval activates a manifest."};
  app.add_option("--kubeconfig", f.kubeconfig,
                 "kubeconfig file (default: $KUBECONFIG, in-cluster config, ~/.kube/config)");
  app.add_option("--context", f.context, "kubeconfig context (default: current-context)");
  app.add_option("--cds-address", f.cds_address, "CDS gRPC address host:port")->required();
  app.add_option("--cds-ca", f.cds_ca, "PEM file of the pinned CDS CA certificate")->required();
  app.add_option("--http-address", f.http_address, "/metrics, /healthz, /readyz listen address")
      ->capture_default_str();
  app.add_option("--http-port-file", f.http_port_file, "write the bound HTTP port here (tests)");
  app.add_option("--leader-elect", f.leader_elect, "campaign for a Lease before reconciling")
      ->capture_default_str();
  app.add_option("--leader-election-namespace", f.lease_namespace,
                 "namespace of the Lease (default: the config's namespace)");
  app.add_option("--leader-election-id", f.lease_name, "name of the Lease")->capture_default_str();
  app.add_option("--identity", f.identity, "this replica's holder identity (default host_pid)");
  app.add_option("--lease-duration", f.lease_duration_s, "seconds")->capture_default_str();
  app.add_option("--renew-deadline", f.renew_deadline_s, "seconds")->capture_default_str();
  app.add_option("--retry-period-ms", f.retry_period_ms, "lease renew period")
      ->capture_default_str();
  app.add_option("--settle-ms", f.settle_ms, "quiet time before a changed manifest is proposed")
      ->capture_default_str();
  app.add_option("--max-settle-ms", f.max_settle_ms, "longest wait before proposing a change")
      ->capture_default_str();
  app.add_option("--cds-poll-ms", f.poll_ms, "CDS poll period while a proposal awaits approval")
      ->capture_default_str();
  app.add_option("--resync", f.resync_s, "CDS poll period (s) while the manifest is active")
      ->capture_default_str();
  app.add_option("--max-retry-delay", f.max_retry_delay_s, "cap of retry backoff (s)")
      ->capture_default_str();
  app.add_option("--cds-deadline-ms", f.cds_deadline_ms, "deadline of each CDS call")
      ->capture_default_str();
  app.add_option("--status-workers", f.status_workers, "parallel status writers")
      ->capture_default_str();
  app.add_option("--events", f.events, "record Kubernetes Events")->capture_default_str();
  app.add_option("--log-level", f.log_level, "debug, info, warn, error")->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  absl::Status st = Run(f);
  if (!st.ok()) {
    log::Error("c8s-operator failed", {{"error", StatusText(st)}});
    return 1;
  }
  return 0;
}

}  // namespace c8s::op
