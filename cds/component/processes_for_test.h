// Component tests of cds/: real c8s-cds processes on loopback, and the gRPC helpers to drive
// them (bootstrap channels, evidence in protobuf form, the claim over the wire).
#pragma once

#include <grpcpp/grpcpp.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch_test_macros.hpp>
#include <string>
#include <thread>
#include <vector>

#include "c8s/cds/v1/cds.grpc.pb.h"
#include "cds/testing_for_test.h"
#include "lib/base/fd.h"
#include "lib/base/status.h"
#include "lib/crypto/grpc_tls.h"
#include "test/support/test_env.h"

namespace c8s::cds::testing {

namespace v1 = ::c8s::cds::v1;

// Bootstrap only: the server is checked afterwards by what it signs (history, bundles).
class AnyServer : public crypto::PeerVerifier {
 public:
  absl::StatusOr<crypto::VerifiedPeer> Verify(const std::vector<Bytes>& chain) const override {
    if (chain.empty()) return absl::UnauthenticatedError("no server certificate");
    ASSIGN_OR_RETURN(crypto::Certificate leaf, crypto::Certificate::FromDer(chain[0]));
    return crypto::VerifiedPeer{leaf, {leaf}, "", {}};
  }
};

// Waits until `path` holds a port number (the process wrote it after binding).
inline int WaitForPortFile(const std::string& path, pid_t pid) {
  for (int i = 0; i < 400; ++i) {
    auto p = ReadFile(path);
    if (p.ok() && !p->empty()) return std::stoi(*p);
    if (waitpid(pid, nullptr, WNOHANG) == pid) return 0;  // it exited
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return 0;
}

// One c8s-cds process with its state in `state_dir`, gRPC and HTTPS on ephemeral loopback
// ports; `extra` flags are appended. Stopped with SIGTERM when destroyed, unless killed first.
class CdsProcess {
 public:
  CdsProcess(const std::string& state_dir, std::vector<std::string> extra) {
    std::string port_file = state_dir + ".port";
    std::string rport_file = state_dir + ".rport";
    (void)::unlink(port_file.c_str());
    (void)::unlink(rport_file.c_str());
    std::vector<std::string> args = {c8s::testing::BinaryPath("bin/c8s-cds"),
                                     "--listen",
                                     "127.0.0.1:0",
                                     "--http-listen",
                                     "127.0.0.1:0",
                                     "--state-dir",
                                     state_dir,
                                     "--port-file",
                                     port_file,
                                     "--log-level",
                                     "warn"};
    bool replica = false;
    for (const std::string& e : extra) replica = replica || e == "--replica-id";
    if (replica) {
      args.insert(args.end(), {"--replica-port-file", rport_file});
    }
    args.insert(args.end(), extra.begin(), extra.end());
    pid_ = fork();
    if (pid_ == 0) {
      std::vector<char*> argv;
      for (std::string& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      execv(argv[0], argv.data());
      _exit(127);
    }
    port_ = WaitForPortFile(port_file, pid_);
    REQUIRE(port_ != 0);
    if (replica) {
      replica_port_ = WaitForPortFile(rport_file, pid_);
      REQUIRE(replica_port_ != 0);
    }
  }
  CdsProcess(const CdsProcess&) = delete;
  CdsProcess& operator=(const CdsProcess&) = delete;
  ~CdsProcess() { Kill(SIGTERM); }

  // Sends `signal` and reaps the process.
  void Kill(int signal) {
    if (pid_ <= 0) return;
    ::kill(pid_, signal);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
  }
  int port() const { return port_; }
  int replica_port() const { return replica_port_; }
  std::string replica_address() const { return StrCat("127.0.0.1:", replica_port_); }

 private:
  pid_t pid_ = -1;
  int port_ = 0;
  int replica_port_ = 0;
};

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

// A fresh challenge, a CSR for `key`, and Sim() evidence bound to both.
inline v1::IssueNodeRequest NodeJoinRequest(v1::Identity::Stub& identity, const std::string& name,
                                            const crypto::PrivateKey& key, grpc::Status* status) {
  grpc::ClientContext cc;
  v1::ChallengeResponse ch;
  *status = identity.Challenge(&cc, {}, &ch);
  v1::IssueNodeRequest req;
  if (!status->ok()) return req;
  auto csr = crypto::CertificateRequest::Create(key, {name}, {});
  auto ev = Sim().GetEvidence(
      attest::NodeReportData(AsBytes(ch.challenge()), key.GetPublicKey().SpkiDer()));
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
