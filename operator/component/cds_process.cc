#include "operator/component/cds_process.h"

#include <grpcpp/grpcpp.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch_test_macros.hpp>
#include <filesystem>
#include <sstream>
#include <thread>

#include "c8s/cds/v1/cds.grpc.pb.h"
#include "lib/base/fd.h"
#include "lib/base/status.h"
#include "lib/base/strings.h"
#include "lib/crypto/grpc_tls.h"
#include "lib/crypto/x509.h"
#include "lib/manifest/approval.h"
#include "test/support/test_env.h"

namespace c8s::op::testing {
namespace {

namespace v1 = ::c8s::cds::v1;

// The test is the owner here and bootstraps its trust from GetAttestation's CA (what
// `c8sctl verify` would check against evidence first); afterwards everything is signed.
class AnyServer : public crypto::PeerVerifier {
 public:
  absl::StatusOr<crypto::VerifiedPeer> Verify(const std::vector<Bytes>& chain) const override {
    if (chain.empty()) return absl::UnauthenticatedError("no server certificate");
    ASSIGN_OR_RETURN(crypto::Certificate leaf, crypto::Certificate::FromDer(chain[0]));
    return crypto::VerifiedPeer{leaf, {leaf}, "", {}};
  }
};

std::unique_ptr<v1::Manifest::Stub> ManifestStub(const std::string& address) {
  return v1::Manifest::NewStub(grpc::CreateChannel(
      address, crypto::MakeGrpcChannelCredentials(std::nullopt, std::make_shared<AnyServer>())));
}

absl::Status ToAbsl(const grpc::Status& s) {
  return s.ok() ? absl::OkStatus()
                : absl::Status(static_cast<absl::StatusCode>(s.error_code()), s.error_message());
}

}  // namespace

CdsProcess::CdsProcess(std::string dir, int port) : dir_(std::move(dir)), port_(port) {
  std::filesystem::create_directories(dir_);
  Start();
}

CdsProcess::~CdsProcess() { Stop(); }

std::string CdsProcess::address() const { return StrCat("127.0.0.1:", port_); }

void CdsProcess::Start() {
  REQUIRE(pid_ <= 0);
  std::string port_file = dir_ + "/port";
  std::filesystem::remove(port_file);
  std::string listen = StrCat("127.0.0.1:", port_);
  pid_ = fork();
  if (pid_ == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);  // never outlive the test (it holds our stdout)
    std::string bin = c8s::testing::BinaryPath("bin/c8s-cds");
    execl(bin.c_str(), bin.c_str(), "--listen", listen.c_str(), "--state-dir",
          (dir_ + "/state").c_str(), "--simulate-own-evidence", "--port-file", port_file.c_str(),
          "--log-level", "warn", static_cast<char*>(nullptr));
    _exit(127);
  }
  REQUIRE(pid_ > 0);
  int bound = 0;
  for (int i = 0; i < 400 && bound == 0; ++i) {
    auto p = ReadFile(port_file);
    if (p.ok() && !p->empty()) {
      bound = std::stoi(*p);
    } else {
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
  }
  REQUIRE(bound != 0);
  port_ = bound;
}

void CdsProcess::Kill() {
  if (pid_ <= 0) return;
  kill(pid_, SIGKILL);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
}

void CdsProcess::Stop() {
  if (pid_ <= 0) return;
  kill(pid_, SIGTERM);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
}

std::string CdsProcess::CaPem() {
  auto stub = v1::Attestation::NewStub(grpc::CreateChannel(
      address(), crypto::MakeGrpcChannelCredentials(std::nullopt, std::make_shared<AnyServer>())));
  grpc::ClientContext ctx;
  v1::GetAttestationRequest req;
  req.set_nonce(std::string(32, 'n'));
  v1::GetAttestationResponse resp;
  grpc::Status s = stub->GetAttestation(&ctx, req, &resp);
  INFO(s.error_message());
  REQUIRE(s.ok());
  auto ca = crypto::Certificate::FromDer(AsBytes(resp.ca_certificate_der()));
  REQUIRE(ca.ok());
  return ca->ToPem();
}

absl::StatusOr<std::string> CdsProcess::Pending(const std::string& hash) {
  grpc::ClientContext ctx;
  v1::GetPendingRequest req;
  req.set_manifest_hash(hash);
  v1::GetPendingResponse resp;
  RETURN_IF_ERROR(ToAbsl(ManifestStub(address())->GetPending(&ctx, req, &resp)));
  return resp.manifest_json();
}

absl::StatusOr<int64_t> CdsProcess::Approve(const std::string& hash, const crypto::PrivateKey& key,
                                            const std::string& owner) {
  auto stub = ManifestStub(address());
  v1::GetPendingResponse pending;
  {
    grpc::ClientContext ctx;
    v1::GetPendingRequest req;
    req.set_manifest_hash(hash);
    RETURN_IF_ERROR(ToAbsl(stub->GetPending(&ctx, req, &pending)));
  }
  manifest::ApprovalStatement st{pending.cluster(), static_cast<int64_t>(pending.next_generation()),
                                 pending.previous_entry_hash(), pending.manifest_hash()};
  ASSIGN_OR_RETURN(std::string statement, manifest::CanonicalBytes(st));
  ASSIGN_OR_RETURN(Bytes sig, manifest::SignApproval(st, key));
  v1::ApproveRequest req;
  req.set_statement_json(statement);
  req.set_owner(owner);
  req.set_signature(std::string(sig.begin(), sig.end()));
  v1::ApproveResponse resp;
  grpc::ClientContext ctx;
  if (pending.next_generation() == 1) {
    req.set_manifest_json(pending.manifest_json());
    RETURN_IF_ERROR(ToAbsl(stub->Claim(&ctx, req, &resp)));
  } else {
    RETURN_IF_ERROR(ToAbsl(stub->Approve(&ctx, req, &resp)));
  }
  return static_cast<int64_t>(resp.generation());
}

std::pair<std::string, int64_t> CdsProcess::Active() {
  grpc::ClientContext ctx;
  v1::GetActiveResponse resp;
  grpc::Status s = ManifestStub(address())->GetActive(&ctx, {}, &resp);
  if (!s.ok()) return {"", 0};
  return {resp.manifest_hash(), static_cast<int64_t>(resp.generation())};
}

std::vector<nlohmann::json> CdsProcess::ProposeEvents() const {
  std::vector<nlohmann::json> out;
  absl::StatusOr<std::string> text = ReadFile(dir_ + "/state/audit.jsonl");
  if (!text.ok()) return out;
  std::istringstream lines(*text);
  for (std::string line; std::getline(lines, line);) {
    nlohmann::json doc = nlohmann::json::parse(line, nullptr, false);
    if (doc.is_object() && doc.value("event", "") == "propose") out.push_back(doc);
  }
  return out;
}

}  // namespace c8s::op::testing
