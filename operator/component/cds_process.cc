#include "operator/component/cds_process.h"

#include <grpcpp/grpcpp.h>

#include <catch2/catch_test_macros.hpp>
#include <filesystem>
#include <sstream>

#include "c8s/cds/v1/cds.grpc.pb.h"
#include "lib/base/child_process.h"
#include "lib/base/fd.h"
#include "lib/base/status.h"
#include "lib/base/strings.h"
#include "lib/crypto/any_certificate.h"
#include "lib/crypto/grpc_tls.h"
#include "lib/crypto/x509.h"
#include "lib/manifest/approval.h"
#include "test/support/test_env.h"

namespace c8s::op::testing {
namespace {

namespace v1 = ::c8s::cds::v1;

// The test is the owner here and bootstraps its trust from GetAttestation's CA (what
// `c8sctl verify` would check against evidence first); afterwards everything is signed.
std::shared_ptr<grpc::Channel> BootstrapChannel(const std::string& address) {
  return grpc::CreateChannel(address,
                             crypto::MakeGrpcChannelCredentials(
                                 std::nullopt, std::make_shared<crypto::AnyCertificateVerifier>()));
}

std::unique_ptr<v1::Manifest::Stub> ManifestStub(const std::string& address) {
  return v1::Manifest::NewStub(BootstrapChannel(address));
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
  ChildOptions never_outlive_the_test;  // it holds our stdout
  never_outlive_the_test.die_with_parent = true;
  absl::StatusOr<pid_t> pid =
      SpawnChild({c8s::testing::BinaryPath("bin/c8s-cds"), "--listen", StrCat("127.0.0.1:", port_),
                  "--state-dir", dir_ + "/state", "--simulate-own-evidence", "--port-file",
                  port_file, "--log-level", "warn"},
                 never_outlive_the_test);
  REQUIRE(pid.ok());
  pid_ = *pid;
  absl::StatusOr<int> bound = WaitForPortFile(port_file, pid_, absl::Seconds(10));
  INFO(bound.status());
  REQUIRE(bound.ok());
  port_ = *bound;
}

void CdsProcess::Kill() {
  StopChild(pid_, SIGKILL);
  pid_ = -1;
}

void CdsProcess::Stop() {
  StopChild(pid_, SIGTERM);
  pid_ = -1;
}

std::string CdsProcess::CaPem() {
  auto stub = v1::Attestation::NewStub(BootstrapChannel(address()));
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
