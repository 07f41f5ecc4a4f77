// A stand-in for containerd's images gRPC service on a unix socket, started by the test: names
// map to target digests; one name answers only after a delay (to test the plugin's deadline).
// It checks the containerd-namespace header the way containerd scopes images.
#pragma once

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <map>
#include <memory>
#include <string>

#include "absl/time/time.h"
#include "containerd/services/images/v1/images.grpc.pb.h"

namespace c8s::nri::testing {

class FakeContainerdImages final : public containerd::services::images::v1::Images::Service {
 public:
  FakeContainerdImages(std::string socket_path, std::map<std::string, std::string> digests,
                       std::string slow_name = "", absl::Duration slow_delay = absl::Seconds(2))
      : digests_(std::move(digests)), slow_name_(std::move(slow_name)), slow_delay_(slow_delay) {
    grpc::ServerBuilder builder;
    builder.AddListeningPort("unix:" + socket_path, grpc::InsecureServerCredentials());
    builder.RegisterService(this);
    server_ = builder.BuildAndStart();
  }
  ~FakeContainerdImages() override {
    stopping_ = true;
    if (server_) server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(1));
  }
  bool started() const { return server_ != nullptr; }
  int calls() const { return calls_.load(); }

  grpc::Status Get(grpc::ServerContext* ctx,
                   const containerd::services::images::v1::GetImageRequest* request,
                   containerd::services::images::v1::GetImageResponse* response) override {
    ++calls_;
    auto ns = ctx->client_metadata().find("containerd-namespace");
    if (ns == ctx->client_metadata().end() || ns->second != "k8s.io") {
      return grpc::Status(grpc::StatusCode::FAILED_PRECONDITION, "namespace is required");
    }
    if (request->name() == slow_name_) {
      absl::Time until = absl::Now() + slow_delay_;
      while (!stopping_ && absl::Now() < until) absl::SleepFor(absl::Milliseconds(10));
    }
    auto it = digests_.find(request->name());
    if (it == digests_.end()) {
      return grpc::Status(grpc::StatusCode::NOT_FOUND,
                          "image \"" + request->name() + "\": not found");
    }
    auto* image = response->mutable_image();
    image->set_name(request->name());
    image->mutable_target()->set_media_type("application/vnd.oci.image.index.v1+json");
    image->mutable_target()->set_digest(it->second);
    image->mutable_target()->set_size(1234);
    return grpc::Status::OK;
  }

 private:
  std::map<std::string, std::string> digests_;
  std::string slow_name_;
  absl::Duration slow_delay_;
  std::atomic<bool> stopping_{false};
  std::atomic<int> calls_{0};
  std::unique_ptr<grpc::Server> server_;
};

}  // namespace c8s::nri::testing
