#include "node-agent/agent/grpc_cds_client.h"

#include <grpcpp/grpcpp.h>

#include "c8s/cds/v1/cds.grpc.pb.h"
#include "lib/attest/claims.h"
#include "lib/base/status.h"
#include "lib/base/strings.h"
#include "lib/crypto/grpc_tls.h"

namespace c8s::agent {
namespace {

namespace v1 = ::c8s::cds::v1;

class CdsServerVerifier : public crypto::PeerVerifier {
 public:
  CdsServerVerifier(crypto::Certificate ca, const Clock& clock) : chain_(std::move(ca), clock) {}
  absl::StatusOr<crypto::VerifiedPeer> Verify(const std::vector<Bytes>& chain) const override {
    ASSIGN_OR_RETURN(crypto::VerifiedPeer peer, chain_.Verify(chain));
    if (peer.leaf.CommonName() != "c8s-cds" || !peer.uri_identity.empty() || !peer.claims.empty()) {
      return absl::PermissionDeniedError(
          StrCat("server certificate ", peer.leaf.Subject(), " (", peer.uri_identity,
                 ") is from the pinned CA but is not the CDS's serving certificate"));
    }
    return peer;
  }

 private:
  crypto::CaPeerVerifier chain_;
};

absl::Status FromGrpc(const grpc::Status& st, std::string_view call) {
  if (st.ok()) return absl::OkStatus();
  return absl::Status(static_cast<absl::StatusCode>(st.error_code()),
                      StrCat("CDS ", call, ": ", st.error_message()));
}

absl::StatusOr<IssuedCertificate> Issued(
    const std::string& der, const google::protobuf::RepeatedPtrField<std::string>& chain,
    std::string approval_mode) {
  ASSIGN_OR_RETURN(crypto::Certificate cert, crypto::Certificate::FromDer(AsBytes(der)));
  IssuedCertificate out{cert, {}, std::move(approval_mode)};
  for (const std::string& c : chain) {
    ASSIGN_OR_RETURN(crypto::Certificate issuer, crypto::Certificate::FromDer(AsBytes(c)));
    out.chain.push_back(issuer);
  }
  return out;
}

class GrpcCdsClient : public CdsClient {
 public:
  GrpcCdsClient(GrpcCdsClientOptions o, std::function<std::optional<crypto::Certificate>()> ca)
      : options_(std::move(o)), pinned_ca_(std::move(ca)) {}

  absl::StatusOr<CdsChallenge> Challenge() override {
    ASSIGN_OR_RETURN(auto channel, Channel(std::nullopt));
    grpc::ClientContext ctx;
    Deadline(ctx);
    v1::ChallengeResponse resp;
    RETURN_IF_ERROR(
        FromGrpc(v1::Identity::NewStub(channel)->Challenge(&ctx, {}, &resp), "Identity.Challenge"));
    return CdsChallenge{ToBytes(resp.challenge()), absl::FromUnixSeconds(resp.expires_unix())};
  }

  absl::StatusOr<IssuedCertificate> IssueNode(const NodeJoinRequest& r) override {
    ASSIGN_OR_RETURN(auto channel, Channel(std::nullopt));
    v1::IssueNodeRequest req;
    req.set_csr_der(ToString(r.csr_der));
    v1::Evidence* ev = req.mutable_evidence();
    ev->set_platform(std::string(attest::PlatformName(r.evidence.platform)));
    ev->set_report(ToString(r.evidence.report));
    for (const Bytes& c : r.evidence.certs) ev->add_certificates(ToString(c));
    ev->set_auxblob(ToString(r.evidence.auxblob));
    req.set_challenge(ToString(r.challenge));
    req.set_node_name(r.node_name);
    req.set_node_address(r.node_address);
    req.set_mesh_port(r.mesh_port);
    grpc::ClientContext ctx;
    Deadline(ctx);
    v1::IssueNodeResponse resp;
    RETURN_IF_ERROR(FromGrpc(v1::Identity::NewStub(channel)->IssueNode(&ctx, req, &resp),
                             "Identity.IssueNode"));
    return Issued(resp.certificate_der(), resp.chain_der(), resp.approval_mode());
  }

  absl::StatusOr<IssuedCertificate> IssueWorkload(const crypto::TlsIdentity& node, ByteSpan csr_der,
                                                  std::string_view identity,
                                                  std::string_view pod_ref) override {
    ASSIGN_OR_RETURN(auto channel, Channel(node));
    v1::IssueWorkloadRequest req;
    req.set_csr_der(ToString(csr_der));
    req.set_identity(std::string(identity));
    req.set_pod_ref(std::string(pod_ref));
    grpc::ClientContext ctx;
    Deadline(ctx);
    v1::IssueWorkloadResponse resp;
    RETURN_IF_ERROR(FromGrpc(v1::Identity::NewStub(channel)->IssueWorkload(&ctx, req, &resp),
                             "Identity.IssueWorkload"));
    return Issued(resp.certificate_der(), resp.chain_der(), "");
  }

  absl::StatusOr<ReleasedSecret> ReleaseSecret(const crypto::TlsIdentity& workload,
                                               std::string_view ref) override {
    ASSIGN_OR_RETURN(auto channel, Channel(workload));
    v1::ReleaseRequest req;
    req.set_ref(std::string(ref));
    grpc::ClientContext ctx;
    Deadline(ctx);
    v1::ReleaseResponse resp;
    RETURN_IF_ERROR(
        FromGrpc(v1::Secrets::NewStub(channel)->Release(&ctx, req, &resp), "Secrets.Release"));
    return ReleasedSecret{ToBytes(resp.value()), resp.version()};
  }

  absl::Status WatchPolicy(const crypto::TlsIdentity& node, uint64_t known_generation,
                           const std::function<void(std::string)>& on_bundle,
                           WatchCancel* cancel) override {
    ASSIGN_OR_RETURN(auto channel, Channel(node));
    grpc::ClientContext ctx;
    cancel->OnCancel([&ctx] { ctx.TryCancel(); });
    v1::WatchRequest req;
    req.set_known_generation(known_generation);
    std::unique_ptr<grpc::ClientReader<v1::SignedBundle>> reader =
        v1::Policy::NewStub(channel)->Watch(&ctx, req);
    v1::SignedBundle bundle;
    while (reader->Read(&bundle)) on_bundle(bundle.signed_bundle_json());
    grpc::Status st = reader->Finish();
    cancel->Reset();
    if (st.ok()) return absl::UnavailableError("CDS Policy.Watch: stream ended");
    return FromGrpc(st, "Policy.Watch");
  }

 private:
  absl::StatusOr<std::shared_ptr<grpc::Channel>> Channel(
      const std::optional<crypto::TlsIdentity>& identity) {
    std::optional<crypto::Certificate> ca = pinned_ca_();
    if (!ca) return absl::FailedPreconditionError("no CDS CA pinned yet");
    grpc::ChannelArguments args;
    // One connection per identity: never share a TLS session between node and pod.
    args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    return grpc::CreateCustomChannel(
        options_.address,
        crypto::MakeGrpcChannelCredentials(identity, MakeCdsServerVerifier(*ca, Clock::Real())),
        args);
  }
  void Deadline(grpc::ClientContext& ctx) {
    ctx.set_deadline(std::chrono::system_clock::now() +
                     std::chrono::milliseconds(absl::ToInt64Milliseconds(options_.call_timeout)));
  }

  GrpcCdsClientOptions options_;
  std::function<std::optional<crypto::Certificate>()> pinned_ca_;
};

}  // namespace

std::shared_ptr<const crypto::PeerVerifier> MakeCdsServerVerifier(crypto::Certificate ca,
                                                                  const Clock& clock) {
  return std::make_shared<CdsServerVerifier>(std::move(ca), clock);
}

std::unique_ptr<CdsClient> MakeGrpcCdsClient(
    GrpcCdsClientOptions options, std::function<std::optional<crypto::Certificate>()> pinned_ca) {
  return std::make_unique<GrpcCdsClient>(std::move(options), std::move(pinned_ca));
}

}  // namespace c8s::agent
