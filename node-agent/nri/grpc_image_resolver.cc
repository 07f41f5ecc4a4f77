#include <grpcpp/grpcpp.h>

#include "containerd/services/images/v1/images.grpc.pb.h"
#include "lib/base/strings.h"
#include "node-agent/nri/image_resolver.h"

namespace c8s::nri {
namespace {

namespace images = containerd::services::images::v1;

bool IsSha256Digest(const std::string& d) {
  if (d.size() != 71 || d.compare(0, 7, "sha256:") != 0) return false;
  for (size_t i = 7; i < d.size(); ++i) {
    char c = d[i];
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

class ContainerdImageResolver : public admission::ImageResolver {
 public:
  ContainerdImageResolver(std::shared_ptr<grpc::Channel> channel, std::string ns)
      : stub_(images::Images::NewStub(std::move(channel))), namespace_(std::move(ns)) {}

  absl::StatusOr<std::string> ResolveDigest(const std::string& reference,
                                            absl::Duration deadline) override {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + absl::ToChronoNanoseconds(deadline));
    ctx.AddMetadata("containerd-namespace", namespace_);
    images::GetImageRequest request;
    request.set_name(reference);
    images::GetImageResponse response;
    grpc::Status st = stub_->Get(&ctx, request, &response);
    if (st.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED) {
      return absl::DeadlineExceededError(StrCat("containerd Images/Get ", reference,
                                                ": no answer within ",
                                                absl::FormatDuration(deadline)));
    }
    if (st.error_code() == grpc::StatusCode::NOT_FOUND) {
      return absl::NotFoundError(StrCat("containerd has no image named ", reference));
    }
    if (!st.ok()) {
      return absl::UnavailableError(
          StrCat("containerd Images/Get ", reference, ": ", st.error_message()));
    }
    const std::string& digest = response.image().target().digest();
    if (!IsSha256Digest(digest)) {
      return absl::FailedPreconditionError(StrCat("containerd's image ", reference,
                                                  " has target digest \"", digest,
                                                  "\", not sha256:<64 hex>"));
    }
    return digest;
  }

 private:
  std::unique_ptr<images::Images::Stub> stub_;
  std::string namespace_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<admission::ImageResolver>> NewContainerdImageResolver(
    const std::string& socket_path, std::string containerd_namespace) {
  if (socket_path.empty() || socket_path[0] != '/') {
    return absl::InvalidArgumentError(
        StrCat("containerd address \"", socket_path, "\" must be an absolute socket path"));
  }
  grpc::ChannelArguments args;
  // Local socket: reconnect fast after a containerd restart instead of backing off for long.
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 1000);
  auto channel = grpc::CreateCustomChannel(StrCat("unix:", socket_path),
                                           grpc::InsecureChannelCredentials(), args);
  return std::make_unique<ContainerdImageResolver>(std::move(channel),
                                                   std::move(containerd_namespace));
}

}  // namespace c8s::nri
