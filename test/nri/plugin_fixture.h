// A running NRI plugin (the real PluginRunner, Decider and AdmissionStore) for the component
// tests, in external mode behind a listening socket in a temp dir, or pre-launched on one end
// of a socket pair.
#pragma once

#include <catch2/catch_test_macros.hpp>
#include <memory>
#include <thread>

#include "lib/ttrpc/unix_socket.h"
#include "node-agent/admission/bundle_builder.h"
#include "node-agent/admission/fixed_policy.h"
#include "node-agent/nri/runner.h"
#include "test/nri/runtime_driver.h"
#include "test/support/test_env.h"

namespace c8s::nri::testing {

inline manifest::PolicyBundle ComponentBundle() {
  return admission::BundleBuilder(7)
      .Identity("shop/api", {{"app", "api"}}, {admission::Image("ghcr.io/acme/api", 1)})
      .Build();
}

inline PodSandbox ApiPod() {
  PodSandbox p;
  p.id = "sb-1";
  p.name = "api-7d9f";
  p.uid = "uid-1";
  p.namespace_name = "shop";
  p.labels = {{"app", "api"}, {"io.kubernetes.pod.namespace", "shop"}};
  return p;
}

inline Container ApiContainer(std::string id, std::string image) {
  Container c;
  c.id = std::move(id);
  c.pod_sandbox_id = "sb-1";
  c.name = "api";
  c.annotations = {{std::string(kImageNameAnnotation), std::move(image)}};
  c.args = {"/api"};
  return c;
}

class PluginFixture {
 public:
  // External mode: the plugin connects to `socket_path()`.
  explicit PluginFixture(PluginOptions plugin = {}, admission::ImageResolver* resolver = nullptr)
      : policy_(std::make_shared<const manifest::PolicyBundle>(ComponentBundle())),
        decider_(policy_, {}, resolver) {
    auto listener = ttrpc::ListenUnix(dir_.Path("nri.sock"));
    REQUIRE(listener.ok());
    listener_ = std::move(*listener);
    RunnerOptions options;
    options.mode = Mode::kExternal;
    options.socket_path = dir_.Path("nri.sock");
    options.plugin = std::move(plugin);
    options.backoff = {.initial = absl::Milliseconds(20), .max = absl::Milliseconds(100)};
    Start(options);
  }
  // Pre-launched mode on `fd` (the plugin's end of a socket pair).
  PluginFixture(RunnerOptions options, admission::ImageResolver* resolver = nullptr)
      : policy_(std::make_shared<const manifest::PolicyBundle>(ComponentBundle())),
        decider_(policy_, {}, resolver) {
    Start(options);
  }
  ~PluginFixture() {
    runner_->Stop();
    if (thread_.joinable()) thread_.join();
  }

  // containerd accepting the plugin's next connection.
  UniqueFd Accept() {
    auto fd = ttrpc::AcceptUnix(listener_.get(), absl::Seconds(10));
    INFO(fd.status().ToString());
    REQUIRE(fd.ok());
    return std::move(*fd);
  }
  // Until the runner returned (pre-launched mode ends with its connection).
  absl::Status Join() {
    thread_.join();
    return result_;
  }
  admission::AdmissionStore& store() { return store_; }
  PluginRunner& runner() { return *runner_; }

 private:
  void Start(const RunnerOptions& options) {
    runner_ = std::make_unique<PluginRunner>(options, decider_, store_);
    thread_ = std::thread([this] { result_ = runner_->Run(); });
  }

  c8s::testing::TempDir dir_;
  UniqueFd listener_;
  admission::FixedPolicy policy_;
  admission::Decider decider_;
  admission::AdmissionStore store_;
  std::unique_ptr<PluginRunner> runner_;
  std::thread thread_;
  absl::Status result_;
};

}  // namespace c8s::nri::testing
