// Component tests of cds/: real c8s-cds processes on loopback, and the gRPC helpers to drive
// them (bootstrap channels, evidence in protobuf form, the claim over the wire).
#pragma once

#include <grpcpp/grpcpp.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch_test_macros.hpp>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "c8s/cds/v1/cds.grpc.pb.h"
#include "cds/testing_for_test.h"
#include "lib/base/child_process.h"
#include "lib/base/fd.h"
#include "lib/base/status.h"
#include "lib/crypto/any_certificate.h"
#include "lib/crypto/grpc_tls.h"
#include "test/support/test_env.h"

namespace c8s::cds::testing {

namespace v1 = ::c8s::cds::v1;

// Bootstrap only: the server is checked afterwards by what it signs (history, bundles).
using AnyServer = crypto::AnyCertificateVerifier;

// Waits until `path` holds a port number (the process wrote it after binding); 0 if the
// process exited first or wrote nothing within 20 s.
inline int WaitForPortFile(const std::string& path, pid_t pid) {
  absl::StatusOr<int> port = c8s::WaitForPortFile(path, pid, absl::Seconds(20));
  UNSCOPED_INFO(port.status());
  return port.value_or(0);
}

// The c8s-cds command line of CdsProcess: loopback ephemeral ports written to
// `<state_dir>.port` / `.hport` (and `.rport` for replicas), then `extra`.
inline std::vector<std::string> CdsArgs(const std::string& state_dir,
                                        const std::vector<std::string>& extra) {
  std::vector<std::string> args = {c8s::testing::BinaryPath("bin/c8s-cds"),
                                   "--listen",
                                   "127.0.0.1:0",
                                   "--http-listen",
                                   "127.0.0.1:0",
                                   "--state-dir",
                                   state_dir,
                                   "--port-file",
                                   state_dir + ".port",
                                   "--http-port-file",
                                   state_dir + ".hport",
                                   "--log-level",
                                   "warn"};
  for (const std::string& e : extra) {
    if (e == "--replica-id") args.insert(args.end(), {"--replica-port-file", state_dir + ".rport"});
  }
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

// Forks and execs `args`; with `stderr_path`, the child's stderr goes to that file.
inline pid_t Spawn(std::vector<std::string> args, const std::string& stderr_path = "") {
  ChildOptions io;
  io.stderr_path = stderr_path;
  absl::StatusOr<pid_t> pid = SpawnChild(std::move(args), io);
  REQUIRE(pid.ok());
  return *pid;
}

// One c8s-cds process with its state in `state_dir`, gRPC and HTTPS on ephemeral loopback
// ports; `extra` flags are appended. Stopped with SIGTERM when destroyed, unless killed first.
class CdsProcess {
 public:
  CdsProcess(const std::string& state_dir, std::vector<std::string> extra) : state_dir_(state_dir) {
    for (const char* suffix : {".port", ".hport", ".rport"}) {
      (void)::unlink((state_dir + suffix).c_str());
    }
    bool replica = std::find(extra.begin(), extra.end(), "--replica-id") != extra.end();
    pid_ = Spawn(CdsArgs(state_dir, extra));
    port_ = WaitForPortFile(state_dir + ".port", pid_);
    REQUIRE(port_ != 0);
    http_port_ = WaitForPortFile(state_dir + ".hport", pid_);
    REQUIRE(http_port_ != 0);
    if (replica) {
      replica_port_ = WaitForPortFile(state_dir + ".rport", pid_);
      REQUIRE(replica_port_ != 0);
    }
  }
  CdsProcess(const CdsProcess&) = delete;
  CdsProcess& operator=(const CdsProcess&) = delete;
  ~CdsProcess() { Kill(SIGTERM); }

  // Sends `signal` and reaps the process.
  void Kill(int signal) {
    StopChild(pid_, signal);
    pid_ = -1;
  }
  int port() const { return port_; }
  int http_port() const { return http_port_; }
  int replica_port() const { return replica_port_; }
  const std::string& state_dir() const { return state_dir_; }
  // True while the process has not exited.
  bool Running() const { return pid_ > 0 && waitpid(pid_, nullptr, WNOHANG) == 0; }
  std::string replica_address() const { return StrCat("127.0.0.1:", replica_port_); }

 private:
  std::string state_dir_;
  pid_t pid_ = -1;
  int port_ = 0;
  int http_port_ = 0;
  int replica_port_ = 0;
};

// A c8s-cds run that is expected to end by itself (a refusal to start): its exit code and
// stderr (the structured log). Killed after `timeout` (exit code -1) if it serves instead.
struct CdsExit {
  int code = -1;
  std::string log;
};
inline CdsExit RunCdsToExit(const std::string& state_dir, const std::vector<std::string>& extra,
                            std::chrono::seconds timeout = std::chrono::seconds(10)) {
  std::string log_path = state_dir + ".stderr";
  pid_t pid = Spawn(CdsArgs(state_dir, extra), log_path);
  CdsExit out;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  int status = 0;
  while (waitpid(pid, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      StopChild(pid, SIGKILL);
      out.log = ReadFile(log_path).value_or("");
      return out;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  out.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  out.log = ReadFile(log_path).value_or("");
  return out;
}

inline std::shared_ptr<grpc::Channel> Channel(int port,
                                              std::optional<crypto::TlsIdentity> id = {}) {
  return grpc::CreateChannel(StrCat("127.0.0.1:", port),
                             crypto::MakeGrpcChannelCredentials(id, std::make_shared<AnyServer>()));
}

inline void ToProto(const attest::Evidence& ev, v1::Evidence* out) {
  out->set_platform("simulated-sev-snp");
  out->set_report(std::string(ev.report.begin(), ev.report.end()));
  for (const Bytes& c : ev.certs) out->add_certificates(std::string(c.begin(), c.end()));
}

// A fresh challenge from `identity`, a CSR for `key`, and evidence from `platform` bound to
// both (to `bound`'s public key instead when given: evidence bound to another key).
inline v1::IssueNodeRequest NodeJoinRequest(v1::Identity::Stub& identity, const std::string& name,
                                            const crypto::PrivateKey& key, grpc::Status* status,
                                            attest::SimulatedSnp& platform = Sim(),
                                            const crypto::PrivateKey* bound = nullptr) {
  grpc::ClientContext cc;
  v1::ChallengeResponse ch;
  *status = identity.Challenge(&cc, {}, &ch);
  v1::IssueNodeRequest req;
  if (!status->ok()) return req;
  auto csr = crypto::CertificateRequest::Create(key, {name}, {});
  auto ev = platform.GetEvidence(attest::NodeReportData(
      AsBytes(ch.challenge()), (bound != nullptr ? *bound : key).GetPublicKey().SpkiDer()));
  Bytes der = csr->ToDer();
  req.set_csr_der(std::string(der.begin(), der.end()));
  ToProto(*ev, req.mutable_evidence());
  req.set_challenge(ch.challenge());
  req.set_node_name(name);
  req.set_node_address("10.0.0.11");
  req.set_mesh_port(15443);
  return req;
}

// Joins a node with a fresh key; returns the RPC status.
inline grpc::Status JoinNode(v1::Identity::Stub& identity, const std::string& name) {
  auto key = crypto::PrivateKey::Generate(crypto::KeyType::kP256);
  grpc::Status st;
  v1::IssueNodeRequest req = NodeJoinRequest(identity, name, *key, &st);
  if (!st.ok()) return st;
  grpc::ClientContext c;
  v1::IssueNodeResponse resp;
  return identity.IssueNode(&c, req, &resp);
}

// Proposes `m`, then approves it (the next generation after the active one) with alice's
// key: as the claim when `claim`.
inline grpc::Status ProposeAndApprove(v1::Manifest::Stub& manifests, World& keys,
                                      const manifest::Manifest& m, bool claim) {
  v1::ProposeRequest prop;
  prop.set_manifest_json(Json(m));
  v1::ProposeResponse presp;
  grpc::ClientContext pc;
  grpc::Status st = manifests.Propose(&pc, prop, &presp);
  if (!st.ok()) return st;
  v1::GetPendingResponse pending;
  grpc::ClientContext gc;
  st = manifests.GetPending(&gc, {}, &pending);
  if (!st.ok()) return st;
  manifest::ApprovalStatement statement{pending.cluster(),
                                        static_cast<int64_t>(pending.next_generation()),
                                        pending.previous_entry_hash(), pending.manifest_hash()};
  Bytes sig = keys.Sign(statement, keys.alice);
  v1::ApproveRequest req;
  req.set_manifest_json(pending.manifest_json());
  req.set_statement_json(World::Text(statement));
  req.set_owner("alice");
  req.set_signature(std::string(sig.begin(), sig.end()));
  grpc::ClientContext c;
  v1::ApproveResponse r;
  return claim ? manifests.Claim(&c, req, &r) : manifests.Approve(&c, req, &r);
}

}  // namespace c8s::cds::testing
