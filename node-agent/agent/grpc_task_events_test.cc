// The task-event detector against a fake containerd events service on a unix socket (the real
// gRPC client, decoding containerd's wire messages).
#include "node-agent/agent/grpc_task_events.h"

#include <grpcpp/grpcpp.h>

#include <catch2/catch_test_macros.hpp>
#include <thread>

#include "containerd/events/task.pb.h"
#include "containerd/services/events/v1/events.grpc.pb.h"
#include "node-agent/agent/testing_for_test.h"
#include "test/support/test_env.h"

namespace c8s::agent {
namespace {

namespace ev = ::containerd::services::events::v1;

class FakeEvents : public ev::Events::Service {
 public:
  grpc::Status Subscribe(grpc::ServerContext* ctx, const ev::SubscribeRequest* req,
                         grpc::ServerWriter<ev::Envelope>* writer) override {
    {
      std::lock_guard lock(mu_);
      filters.assign(req->filters().begin(), req->filters().end());
    }
    for (const ev::Envelope& e : envelopes) writer->Write(e);
    while (!ctx->IsCancelled()) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    return grpc::Status::OK;
  }
  template <typename M>
  void Add(const std::string& topic, const std::string& type, const M& m,
           const std::string& ns = "k8s.io") {
    ev::Envelope e;
    e.set_namespace_(ns);
    e.set_topic(topic);
    e.mutable_timestamp()->set_seconds(1'800'000'000);
    e.mutable_event()->set_type_url(type);
    e.mutable_event()->set_value(m.SerializeAsString());
    envelopes.push_back(e);
  }
  std::vector<ev::Envelope> envelopes;
  std::mutex mu_;
  std::vector<std::string> filters;
};

struct NoPolicy : admission::PolicyView {
  std::shared_ptr<const manifest::PolicyBundle> Current() const override { return nullptr; }
};

TEST_CASE("containerd task events: unadmitted containers and execs become alerts", "[unit]") {
  c8s::testing::TempDir dir;
  FakeEvents service;
  containerd::events::TaskStart admitted, rogue;
  admitted.set_container_id("ok");
  admitted.set_pid(10);
  rogue.set_container_id("rogue");
  rogue.set_pid(11);
  containerd::events::TaskExecStarted exec;
  exec.set_container_id("ok");
  exec.set_exec_id("e1");
  exec.set_pid(12);
  containerd::events::TaskStart other_ns;
  other_ns.set_container_id("moby-thing");
  service.Add("/tasks/start", "containerd.events.TaskStart", admitted);
  service.Add("/tasks/start", "containerd.events.TaskStart", rogue);
  service.Add("/tasks/exec-started", "containerd.events.TaskExecStarted", exec);
  service.Add("/tasks/start", "containerd.events.TaskStart", other_ns, "moby");
  ev::Envelope junk;  // unknown payload type: ignored
  junk.set_namespace_("k8s.io");
  junk.set_topic("/images/update");
  junk.mutable_event()->set_type_url("containerd.events.ImageUpdate");
  service.envelopes.push_back(junk);

  grpc::ServerBuilder b;
  std::string socket = dir.Path("containerd.sock");
  b.AddListeningPort("unix:" + socket, grpc::InsecureServerCredentials());
  b.RegisterService(&service);
  std::unique_ptr<grpc::Server> server = b.BuildAndStart();
  REQUIRE(server != nullptr);

  admission::AdmissionStore admissions;
  admissions.Record(testing::ApiAdmission("ok"));
  NoPolicy policy;
  std::vector<manifest::BundleIdentity> bootstrap;
  Metrics metrics;
  HookGate gate(&admissions, &policy, &bootstrap, {}, &metrics);
  TaskDetector detector(&admissions, &gate, &metrics, "k8s.io");
  TaskEventWatcher watcher({socket, "k8s.io"}, [&](const TaskEvent& e) { detector.OnEvent(e); });
  std::thread t([&] { (void)watcher.SubscribeOnce(); });
  for (int i = 0; i < 200 && detector.alerts_total() < 2; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  watcher.Cancel();
  t.join();
  server->Shutdown();
  std::vector<Alert> alerts = detector.Alerts();
  REQUIRE(alerts.size() == 2);
  CHECK(alerts[0].kind == "unadmitted-container");
  CHECK(alerts[0].container_id == "rogue");
  CHECK(alerts[0].pid == 11);
  CHECK(alerts[0].at == absl::FromUnixSeconds(1'800'000'000));
  CHECK(alerts[1].kind == "exec");
  CHECK(service.filters == std::vector<std::string>{"namespace==k8s.io"});
  CHECK(metrics.Get("c8s_agent_task_events_total", {{"topic", "/tasks/start"}}) == 2);
}

}  // namespace
}  // namespace c8s::agent
