#include "node-agent/agent/grpc_task_events.h"

#include <grpcpp/grpcpp.h>

#include "containerd/events/task.pb.h"
#include "containerd/services/events/v1/events.grpc.pb.h"
#include "lib/base/backoff.h"
#include "lib/base/log.h"
#include "lib/base/strings.h"
#include "node-agent/agent/cds_client.h"

namespace c8s::agent {
namespace {

namespace ev = ::containerd::services::events::v1;

// "containerd.events.TaskStart" from "containerd.events.TaskStart" or ".../containerd.events.X".
std::string TypeName(const std::string& url) {
  size_t slash = url.rfind('/');
  return slash == std::string::npos ? url : url.substr(slash + 1);
}

std::optional<TaskEvent> Decode(const ev::Envelope& env) {
  TaskEvent out;
  out.ns = env.namespace_();
  out.topic = env.topic();
  out.at =
      absl::FromUnixSeconds(env.timestamp().seconds()) + absl::Nanoseconds(env.timestamp().nanos());
  std::string type = TypeName(env.event().type_url());
  const std::string& value = env.event().value();
  if (type == "containerd.events.TaskStart") {
    containerd::events::TaskStart m;
    if (!m.ParseFromString(value)) return std::nullopt;
    out.container_id = m.container_id();
    out.pid = m.pid();
  } else if (type == "containerd.events.TaskExecStarted") {
    containerd::events::TaskExecStarted m;
    if (!m.ParseFromString(value)) return std::nullopt;
    out.container_id = m.container_id();
    out.exec_id = m.exec_id();
    out.pid = m.pid();
  } else if (type == "containerd.events.TaskDelete") {
    containerd::events::TaskDelete m;
    if (!m.ParseFromString(value)) return std::nullopt;
    out.container_id = m.container_id();
    out.pid = m.pid();
  } else if (type == "containerd.events.ContainerDelete") {
    containerd::events::ContainerDelete m;
    if (!m.ParseFromString(value)) return std::nullopt;
    out.container_id = m.id();
  } else {
    return std::nullopt;
  }
  return out;
}

}  // namespace

TaskEventWatcher::TaskEventWatcher(TaskEventWatcherOptions options,
                                   std::function<void(const TaskEvent&)> sink)
    : options_(std::move(options)),
      sink_(std::move(sink)),
      cancel_(std::make_unique<WatchCancel>()) {}

TaskEventWatcher::~TaskEventWatcher() = default;

void TaskEventWatcher::Cancel() { cancel_->Cancel(); }

bool TaskEventWatcher::connected() const { return connected_; }

absl::Status TaskEventWatcher::SubscribeOnce() {
  auto channel =
      grpc::CreateChannel(StrCat("unix:", options_.address), grpc::InsecureChannelCredentials());
  auto stub = ev::Events::NewStub(channel);
  grpc::ClientContext ctx;
  cancel_->OnCancel([&ctx] { ctx.TryCancel(); });
  ev::SubscribeRequest req;
  req.add_filters(StrCat("namespace==", options_.ns));
  std::unique_ptr<grpc::ClientReader<ev::Envelope>> reader = stub->Subscribe(&ctx, req);
  ev::Envelope env;
  bool first = true;
  while (reader->Read(&env)) {
    if (first) {
      connected_ = true;
      first = false;
    }
    std::optional<TaskEvent> e = Decode(env);
    if (e) sink_(*e);
  }
  connected_ = false;
  grpc::Status st = reader->Finish();
  cancel_->Reset();
  if (st.ok()) return absl::UnavailableError("containerd events stream ended");
  return absl::UnavailableError(StrCat("containerd events: ", st.error_message()));
}

void TaskEventWatcher::Run(StopFlag* stop) {
  Backoff backoff({absl::Milliseconds(200), absl::Seconds(30), 2.0, 0.2});
  while (!stop->stopped()) {
    absl::Time start = absl::Now();
    absl::Status st = SubscribeOnce();
    if (stop->stopped()) return;
    if (absl::Now() - start > absl::Seconds(30)) backoff.Reset();
    absl::Duration retry = backoff.Next();
    log::Warn("containerd task events unavailable; events meanwhile are not seen",
              {{"address", options_.address},
               {"error", StatusText(st)},
               {"retry_in_ms", absl::ToInt64Milliseconds(retry)}});
    if (stop->WaitFor(retry)) return;
  }
}

}  // namespace c8s::agent
