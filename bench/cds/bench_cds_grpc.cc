// The gRPC halves of bench_cds.h (run only in forked children).
#include <grpcpp/grpcpp.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <thread>

#include "bench/cds/bench_cds.h"
#include "c8s/cds/v1/cds.grpc.pb.h"
#include "lib/attest/report_data.h"
#include "lib/base/clock.h"
#include "lib/base/fd.h"
#include "lib/base/status.h"
#include "lib/base/strings.h"
#include "lib/crypto/grpc_tls.h"
#include "lib/manifest/approval.h"
#include "lib/manifest/serialize.h"

namespace c8s::bench {
namespace {

namespace v1 = ::c8s::cds::v1;

// Bootstrap only (the claim): accepts the server and remembers the CA it presents.
class FirstContact : public crypto::PeerVerifier {
 public:
  absl::StatusOr<crypto::VerifiedPeer> Verify(const std::vector<Bytes>& chain) const override {
    if (chain.size() < 2) return absl::UnauthenticatedError("want leaf + CA");
    ASSIGN_OR_RETURN(crypto::Certificate leaf, crypto::Certificate::FromDer(chain[0]));
    ASSIGN_OR_RETURN(crypto::Certificate ca, crypto::Certificate::FromDer(chain[1]));
    ca_pem = ca.ToPem();
    return crypto::VerifiedPeer{leaf, {leaf}, "", {}};
  }
  mutable std::string ca_pem;
};

std::string Wire(ByteSpan b) { return std::string(AsChars(b)); }

}  // namespace

int ClaimBody(int port, const manifest::Manifest& m, const crypto::PrivateKey& owner,
              const std::string& ca_out) {
  auto first = std::make_shared<FirstContact>();
  auto channel = grpc::CreateChannel(StrCat("127.0.0.1:", port),
                                     crypto::MakeGrpcChannelCredentials(std::nullopt, first));
  auto manifests = v1::Manifest::NewStub(channel);
  std::string json = manifest::CanonicalBytes(m).value();
  v1::ProposeRequest prop;
  prop.set_manifest_json(json);
  v1::ProposeResponse presp;
  grpc::ClientContext c1;
  if (grpc::Status s = manifests->Propose(&c1, prop, &presp); !s.ok()) {
    std::fprintf(stderr, "propose: %s\n", s.error_message().c_str());
    return 1;
  }
  v1::GetPendingResponse pending;
  grpc::ClientContext c2;
  if (!manifests->GetPending(&c2, {}, &pending).ok()) return 1;
  manifest::ApprovalStatement st{pending.cluster(), 1, std::string(manifest::kZeroEntryHash),
                                 pending.manifest_hash()};
  Bytes sig = manifest::SignApproval(st, owner).value();
  v1::ApproveRequest claim;
  claim.set_manifest_json(json);
  claim.set_statement_json(manifest::CanonicalBytes(st).value());
  claim.set_owner(m.owners[0].name);
  claim.set_signature(Wire(sig));
  v1::ApproveResponse claimed;
  grpc::ClientContext c3;
  if (grpc::Status s = manifests->Claim(&c3, claim, &claimed); !s.ok()) {
    std::fprintf(stderr, "claim: %s\n", s.error_message().c_str());
    return 1;
  }
  return WriteFileAtomic(ca_out, first->ca_pem, 0644).ok() ? 0 : 1;
}

absl::Status ConnectAndChallenge(int port, const crypto::Certificate& ca) {
  auto verifier = std::make_shared<crypto::CaPeerVerifier>(ca, Clock::Real());
  auto channel = grpc::CreateChannel(StrCat("127.0.0.1:", port),
                                     crypto::MakeGrpcChannelCredentials(std::nullopt, verifier));
  auto identity = v1::Identity::NewStub(channel);
  v1::ChallengeResponse ch;
  grpc::ClientContext ctx;
  if (grpc::Status s = identity->Challenge(&ctx, {}, &ch); !s.ok()) {
    return absl::UnavailableError(StrCat("Challenge: ", s.error_message()));
  }
  return absl::OkStatus();
}

absl::StatusOr<NodeCredentials> JoinNode(int port, const crypto::Certificate& ca,
                                         attest::SimulatedSnp& tee, const std::string& name) {
  auto t0 = std::chrono::steady_clock::now();
  bool trace = std::getenv("C8S_BENCH_TRACE") != nullptr;
  auto mark = [&](const char* what) {
    if (trace) {
      std::fprintf(
          stderr, "%s %s %.1f ms\n", name.c_str(), what,
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
    }
  };
  auto verifier = std::make_shared<crypto::CaPeerVerifier>(ca, Clock::Real());
  auto channel = grpc::CreateChannel(StrCat("127.0.0.1:", port),
                                     crypto::MakeGrpcChannelCredentials(std::nullopt, verifier));
  auto identity = v1::Identity::NewStub(channel);
  mark("channel");
  ASSIGN_OR_RETURN(crypto::PrivateKey key, crypto::PrivateKey::Generate(crypto::KeyType::kP256));
  ASSIGN_OR_RETURN(crypto::CertificateRequest csr,
                   crypto::CertificateRequest::Create(key, {name}, {}));
  v1::ChallengeResponse ch;
  grpc::ClientContext c1;
  if (grpc::Status s = identity->Challenge(&c1, {}, &ch); !s.ok()) {
    return absl::UnavailableError(StrCat("Challenge: ", s.error_message()));
  }
  mark("challenge");
  attest::ReportData rd =
      attest::NodeReportData(AsBytes(ch.challenge()), key.GetPublicKey().SpkiDer());
  ASSIGN_OR_RETURN(attest::Evidence ev, tee.GetEvidence(rd));
  mark("evidence");
  v1::IssueNodeRequest req;
  req.set_csr_der(Wire(csr.ToDer()));
  req.mutable_evidence()->set_platform("simulated-sev-snp");
  req.mutable_evidence()->set_report(Wire(ev.report));
  for (const Bytes& c : ev.certs) req.mutable_evidence()->add_certificates(Wire(c));
  req.set_challenge(ch.challenge());
  req.set_node_name(name);
  v1::IssueNodeResponse resp;
  grpc::ClientContext c2;
  if (grpc::Status s = identity->IssueNode(&c2, req, &resp); !s.ok()) {
    return absl::PermissionDeniedError(StrCat("IssueNode: ", s.error_message()));
  }
  mark("issued");
  ASSIGN_OR_RETURN(crypto::Certificate cert,
                   crypto::Certificate::FromDer(AsBytes(resp.certificate_der())));
  return NodeCredentials{std::move(key), std::move(cert)};
}

}  // namespace c8s::bench

namespace c8s::bench {

absl::StatusOr<int> IssueWorkloads(int port, const crypto::Certificate& ca,
                                   const NodeCredentials& node, const std::string& identity,
                                   int count, int threads, const std::function<void()>& ready,
                                   WorkloadCall call) {
  auto verifier = std::make_shared<crypto::CaPeerVerifier>(ca, Clock::Real());
  std::vector<std::unique_ptr<v1::Identity::Stub>> stubs;
  for (int t = 0; t < threads; ++t) {
    grpc::ChannelArguments args;
    args.SetInt("grpc.use_local_subchannel_pool", 1);  // one TLS connection per thread
    auto channel =
        grpc::CreateCustomChannel(StrCat("127.0.0.1:", port),
                                  crypto::MakeGrpcChannelCredentials(
                                      crypto::TlsIdentity{{node.cert, ca}, node.key}, verifier),
                                  args);
    stubs.push_back(v1::Identity::NewStub(channel));
  }
  std::vector<std::string> csrs;
  for (int i = 0; i < 64; ++i) {
    ASSIGN_OR_RETURN(crypto::PrivateKey key, crypto::PrivateKey::Generate(crypto::KeyType::kP256));
    ASSIGN_OR_RETURN(crypto::CertificateRequest csr,
                     crypto::CertificateRequest::Create(key, {"app"}, {}));
    csrs.push_back(std::string(AsChars(csr.ToDer())));
  }
  auto issue = [&](v1::Identity::Stub& stub, int i) {
    if (call == WorkloadCall::kChallenge) {
      v1::ChallengeResponse resp;
      grpc::ClientContext ctx;
      return stub.Challenge(&ctx, {}, &resp);
    }
    v1::IssueWorkloadRequest req;
    req.set_csr_der(csrs[static_cast<size_t>(i) % csrs.size()]);
    req.set_identity(identity);
    req.set_pod_ref(StrCat(identity, "-", i));
    v1::IssueWorkloadResponse resp;
    grpc::ClientContext ctx;
    return stub.IssueWorkload(&ctx, req, &resp);
  };
  for (auto& stub : stubs) {  // handshakes and the node chain check happen before `ready`
    if (grpc::Status s = issue(*stub, 0); !s.ok()) {
      return absl::PermissionDeniedError(StrCat("IssueWorkload: ", s.error_message()));
    }
  }
  ready();
  std::atomic<int> next{0}, issued{0};
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      for (int i = next++; i < count; i = next++) {
        if (issue(*stubs[static_cast<size_t>(t)], i).ok()) issued++;
      }
    });
  }
  for (std::thread& w : workers) w.join();
  return issued.load();
}

absl::StatusOr<ClaimedCds> StartClaimedCds(const std::string& dir,
                                           const std::vector<std::string>& extra_args) {
  ASSIGN_OR_RETURN(CdsProcess cds, StartCds(dir, dir + "/platform/ark.pem", extra_args));
  ASSIGN_OR_RETURN(crypto::PrivateKey owner, crypto::PrivateKey::Generate(crypto::KeyType::kP256));
  manifest::Manifest m = BenchManifest(owner.GetPublicKey());
  std::string ca_path = dir + "/ca.pem";
  if (Wait(Fork([&] { return ClaimBody(cds.grpc_port, m, owner, ca_path); })) != 0) {
    StopCds(cds);
    return absl::InternalError("claim failed");
  }
  absl::StatusOr<std::string> pem = ReadFile(ca_path);
  absl::StatusOr<crypto::Certificate> ca = pem.ok()
                                               ? crypto::Certificate::FromPem(*pem)
                                               : absl::StatusOr<crypto::Certificate>(pem.status());
  if (!ca.ok()) {
    StopCds(cds);
    return ca.status();
  }
  return ClaimedCds{cds, std::move(*ca)};
}

}  // namespace c8s::bench
