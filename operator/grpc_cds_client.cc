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

struct GrpcCdsClient::Dialer {
  std::shared_ptr<grpc::ChannelCredentials> credentials;
  grpc::ChannelArguments args;
};

absl::StatusOr<std::unique_ptr<GrpcCdsClient>> GrpcCdsClient::Create(
    const GrpcCdsOptions& options) {
  if (options.target.empty()) return absl::InvalidArgumentError("CDS address is empty");
  ASSIGN_OR_RETURN(crypto::Certificate ca,
                   Annotate(crypto::Certificate::FromPem(options.ca_pem), "CDS CA certificate"));
  auto verifier = std::make_shared<crypto::CaPeerVerifier>(std::move(ca), Clock::Real());
  auto dialer = std::make_unique<Dialer>();
  dialer->credentials = crypto::MakeGrpcChannelCredentials(std::nullopt, verifier);
  dialer->args.SetMaxReceiveMessageSize(16 << 20);
  // A channel of our own (not the process-wide subchannel pool): when it is replaced after a
  // failure, the new one really connects anew.
  dialer->args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  return std::unique_ptr<GrpcCdsClient>(new GrpcCdsClient(options, std::move(dialer)));
}

GrpcCdsClient::GrpcCdsClient(GrpcCdsOptions options, std::unique_ptr<Dialer> dialer)
    : options_(std::move(options)), dialer_(std::move(dialer)) {}

GrpcCdsClient::~GrpcCdsClient() = default;

std::shared_ptr<GrpcCdsClient::Stub> GrpcCdsClient::Connection() {
  std::lock_guard<std::mutex> lock(mu_);
  if (stub_ == nullptr) {
    auto stub = std::make_shared<Stub>();
    stub->channel = grpc::CreateCustomChannel(options_.target, dialer_->credentials, dialer_->args);
    stub->manifest = v1::Manifest::NewStub(stub->channel);
    stub_ = std::move(stub);
  }
  return stub_;
}

// A gRPC channel whose connection failed waits out gRPC's own reconnect backoff (seconds,
// growing) and fails every call meanwhile with the old error, even once the CDS is back. The
// reconciler already paces its retries (ManifestOptions::cds_backoff), so an unreachable CDS
// costs the channel: the next call dials a new one.
void GrpcCdsClient::Dropped(const grpc::Status& s, const std::shared_ptr<Stub>& used) {
  if (s.error_code() != grpc::StatusCode::UNAVAILABLE) return;
  std::lock_guard<std::mutex> lock(mu_);
  if (stub_ == used) stub_.reset();
}

absl::StatusOr<ProposeResult> GrpcCdsClient::Propose(const std::string& canonical_json) {
  grpc::ClientContext ctx;
  ctx.set_deadline(absl::ToChronoTime(absl::Now() + options_.deadline));
  v1::ProposeRequest req;
  req.set_manifest_json(canonical_json);
  v1::ProposeResponse resp;
  std::shared_ptr<Stub> stub = Connection();
  grpc::Status s = stub->manifest->Propose(&ctx, req, &resp);
  Dropped(s, stub);
  RETURN_IF_ERROR(FromGrpc(s, "Propose", target()));
  return ProposeResult{resp.manifest_hash(), resp.state() == "Active",
                       static_cast<int64_t>(resp.generation())};
}

absl::StatusOr<CdsView> GrpcCdsClient::View(const std::string& pending_hash) {
  std::shared_ptr<Stub> stub = Connection();
  CdsView view;
  {
    grpc::ClientContext ctx;
    ctx.set_deadline(absl::ToChronoTime(absl::Now() + options_.deadline));
    v1::GetActiveResponse resp;
    grpc::Status s = stub->manifest->GetActive(&ctx, {}, &resp);
    Dropped(s, stub);
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
    grpc::Status s = stub->manifest->GetPending(&ctx, req, &resp);
    Dropped(s, stub);
    if (s.error_code() != grpc::StatusCode::NOT_FOUND) {
      RETURN_IF_ERROR(FromGrpc(s, "GetPending", target()));
      view.pending = resp.manifest_hash() == pending_hash;
    }
  }
  return view;
}

}  // namespace c8s::op
