#include "operator/grpc_cds_client.h"

#include <grpcpp/grpcpp.h>

#include "c8s/cds/v1/cds.grpc.pb.h"
#include "lib/base/clock.h"
#include "lib/base/status.h"
#include "lib/base/strings.h"
#include "lib/crypto/grpc_tls.h"

namespace c8s::op {
namespace {

namespace v1 = ::c8s::cds::v1;

// The CDS's gRPC codes map one-to-one onto absl codes (cds/grpc_services.cc ToGrpc).
absl::Status FromGrpc(const grpc::Status& s, std::string_view call, const std::string& target) {
  if (s.ok()) return absl::OkStatus();
  return absl::Status(static_cast<absl::StatusCode>(s.error_code()),
                      StrCat("CDS ", target, " ", call, ": ", s.error_message()));
}

}  // namespace

struct GrpcCdsClient::Stub {
  std::shared_ptr<grpc::Channel> channel;
  std::unique_ptr<v1::Manifest::Stub> manifest;
};

absl::StatusOr<std::unique_ptr<GrpcCdsClient>> GrpcCdsClient::Create(
    const GrpcCdsOptions& options) {
  if (options.target.empty()) return absl::InvalidArgumentError("CDS address is empty");
  ASSIGN_OR_RETURN(crypto::Certificate ca,
                   Annotate(crypto::Certificate::FromPem(options.ca_pem), "CDS CA certificate"));
  auto verifier = std::make_shared<crypto::CaPeerVerifier>(std::move(ca), Clock::Real());
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(16 << 20);
  // Reconnect attempts of a broken channel stay short: the reconciler decides when to retry.
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 100);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 2000);
  auto stub = std::make_unique<Stub>();
  stub->channel = grpc::CreateCustomChannel(
      options.target, crypto::MakeGrpcChannelCredentials(std::nullopt, verifier), args);
  stub->manifest = v1::Manifest::NewStub(stub->channel);
  return std::unique_ptr<GrpcCdsClient>(new GrpcCdsClient(options, std::move(stub)));
}

GrpcCdsClient::GrpcCdsClient(GrpcCdsOptions options, std::unique_ptr<Stub> stub)
    : options_(std::move(options)), stub_(std::move(stub)) {}

GrpcCdsClient::~GrpcCdsClient() = default;

absl::StatusOr<ProposeResult> GrpcCdsClient::Propose(const std::string& canonical_json) {
  grpc::ClientContext ctx;
  ctx.set_deadline(absl::ToChronoTime(absl::Now() + options_.deadline));
  v1::ProposeRequest req;
  req.set_manifest_json(canonical_json);
  v1::ProposeResponse resp;
  RETURN_IF_ERROR(FromGrpc(stub_->manifest->Propose(&ctx, req, &resp), "Propose", target()));
  return ProposeResult{resp.manifest_hash(), resp.state() == "Active",
                       static_cast<int64_t>(resp.generation())};
}

absl::StatusOr<CdsView> GrpcCdsClient::View(const std::string& pending_hash) {
  CdsView view;
  {
    grpc::ClientContext ctx;
    ctx.set_deadline(absl::ToChronoTime(absl::Now() + options_.deadline));
    v1::GetActiveResponse resp;
    grpc::Status s = stub_->manifest->GetActive(&ctx, {}, &resp);
    if (s.error_code() == grpc::StatusCode::FAILED_PRECONDITION) {
      view.claimed = false;  // "not claimed: no active manifest"
    } else {
      RETURN_IF_ERROR(FromGrpc(s, "GetActive", target()));
      view.claimed = true;
      view.active_hash = resp.manifest_hash();
      view.active_generation = static_cast<int64_t>(resp.generation());
      view.active_json = std::move(*resp.mutable_manifest_json());
    }
  }
  if (!pending_hash.empty() && pending_hash != view.active_hash) {
    grpc::ClientContext ctx;
    ctx.set_deadline(absl::ToChronoTime(absl::Now() + options_.deadline));
    v1::GetPendingRequest req;
    req.set_manifest_hash(pending_hash);
    v1::GetPendingResponse resp;
    grpc::Status s = stub_->manifest->GetPending(&ctx, req, &resp);
    if (s.error_code() != grpc::StatusCode::NOT_FOUND) {
      RETURN_IF_ERROR(FromGrpc(s, "GetPending", target()));
      view.pending = resp.manifest_hash() == pending_hash;
    }
  }
  return view;
}

}  // namespace c8s::op
