#include "cds/grpc_daemon.h"

#include <sys/stat.h>

#include <CLI/CLI.hpp>
#include <iostream>

#include "cds/grpc_server.h"
#include "lib/attest/simulated_snp.h"
#include "lib/base/fd.h"
#include "lib/base/log.h"
#include "lib/base/signals.h"
#include "lib/base/status.h"
#include "lib/base/strings.h"
#include "lib/crypto/hash.h"

namespace c8s::cds {
namespace {

struct Flags {
  std::string listen = "127.0.0.1:7443";
  std::string state_dir = "/var/lib/c8s-cds";
  std::string seed_file;
  std::vector<std::string> simulated_roots;
  bool simulate_own_evidence = false;
  std::string own_simulated_root_out;
  std::string image_digest = "sha256:" + std::string(64, '0');
  std::string pod_ref = "c8s-system/cds-0";
  int64_t node_lifetime_s = 24 * 3600;
  int64_t workload_lifetime_s = 3600;
  std::string port_file;
  std::string log_level = "info";
};

absl::StatusOr<Bytes> LoadOrCreateSeed(const std::string& path) {
  absl::StatusOr<std::string> existing = ReadFile(path);
  if (existing.ok()) {
    if (existing->size() != 32) {
      return absl::DataLossError(StrCat("seed file ", path, ": ", existing->size(),
                                        " bytes, want 32"));
    }
    return ToBytes(*existing);
  }
  Bytes seed = crypto::RandomBytes(32);
  RETURN_IF_ERROR(WriteFileAtomic(
      path, std::string_view(reinterpret_cast<const char*>(seed.data()), seed.size()), 0600));
  log::Warn("local mode: created a new seed file; it protects all CDS state (development only)",
            {{"path", path}});
  return seed;
}

absl::Status Run(const Flags& f) {
  ShutdownSignal shutdown;
  ASSIGN_OR_RETURN(log::Level level, log::ParseLevel(f.log_level));
  log::SetMinLevel(level);
  ::mkdir(f.state_dir.c_str(), 0700);
  ASSIGN_OR_RETURN(Bytes seed,
                   LoadOrCreateSeed(f.seed_file.empty() ? f.state_dir + "/seed" : f.seed_file));
  CdsOptions options;
  options.node_lifetime = absl::Seconds(f.node_lifetime_s);
  options.workload_lifetime = absl::Seconds(f.workload_lifetime_s);
  for (const std::string& path : f.simulated_roots) {
    ASSIGN_OR_RETURN(std::string pem, ReadFile(path));
    options.simulated_roots.push_back(ToBytes(pem));
  }
  std::unique_ptr<attest::SimulatedSnp> own;
  if (f.simulate_own_evidence) {
    ASSIGN_OR_RETURN(own, attest::SimulatedSnp::Create({}));
    if (!f.own_simulated_root_out.empty()) {
      RETURN_IF_ERROR(WriteFileAtomic(f.own_simulated_root_out, own->ArkPem(), 0644));
    }
    log::Warn("own evidence is SIMULATED: clients must not trust this CDS outside development");
  }
  DirectoryStorage storage(f.state_dir + "/objects");
  ASSIGN_OR_RETURN(std::unique_ptr<AuditLog> audit,
                   AuditLog::Open(f.state_dir + "/audit.jsonl", Clock::Real()));
  ASSIGN_OR_RETURN(std::unique_ptr<Cds> cds,
                   Cds::Open(seed, &storage, options, Clock::Real(), std::move(audit)));
  GrpcServerOptions so;
  so.listen = f.listen;
  so.self_evidence = own.get();
  so.image_digest = f.image_digest;
  so.pod_ref = f.pod_ref;
  ASSIGN_OR_RETURN(std::unique_ptr<CdsGrpcServer> server, CdsGrpcServer::Start(cds.get(), so));
  if (!f.port_file.empty()) {
    RETURN_IF_ERROR(WriteFileAtomic(f.port_file, std::to_string(server->port()), 0644));
  }
  AttestationInfo info = cds->Attestation();
  log::Info("serving", {{"listen", f.listen}, {"port", server->port()},
                        {"cluster", info.cluster}, {"claimed", info.claimed},
                        {"generation", info.generation}});
  shutdown.Wait();
  log::Info("shutting down", {{"signal", shutdown.signal_number()}});
  server->Shutdown();
  return absl::OkStatus();
}

}  // namespace

int RunCdsMain(int argc, char** argv) {
  log::SetComponent("cds");
  Flags f;
  CLI::App app{"c8s-cds: the c8s Certificate Distribution Service (attested identities, "
               "owner-approved manifest, policy bundles)"};
  app.add_option("--listen", f.listen, "gRPC TLS listen address")->capture_default_str();
  app.add_option("--state-dir", f.state_dir, "directory for encrypted state and audit log")
      ->capture_default_str();
  app.add_option("--seed-file", f.seed_file, "32-byte seed (default <state-dir>/seed)");
  app.add_option("--simulated-root", f.simulated_roots,
                 "PEM root of simulated SEV-SNP chains to verify (policy must allowSimulated)");
  app.add_flag("--simulate-own-evidence", f.simulate_own_evidence,
               "answer GetAttestation with simulated SEV-SNP evidence (development)");
  app.add_option("--own-simulated-root-out", f.own_simulated_root_out,
                 "write the ARK of the CDS's own simulated evidence here");
  app.add_option("--image-digest", f.image_digest, "CDS image digest bound into c8s/pod/v1");
  app.add_option("--pod-ref", f.pod_ref, "CDS pod reference bound into c8s/pod/v1")
      ->capture_default_str();
  app.add_option("--node-cert-lifetime", f.node_lifetime_s, "seconds")->capture_default_str();
  app.add_option("--workload-cert-lifetime", f.workload_lifetime_s, "seconds")
      ->capture_default_str();
  app.add_option("--port-file", f.port_file, "write the bound port here (tests)");
  app.add_option("--log-level", f.log_level, "debug, info, warn, error")->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  absl::Status st = Run(f);
  if (!st.ok()) {
    log::Error("c8s-cds failed", {{"error", StatusText(st)}});
    return 1;
  }
  return 0;
}

}  // namespace c8s::cds
