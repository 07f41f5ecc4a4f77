#include "node-agent/nri/plugin.h"

#include <cstdio>

#include "lib/base/log.h"
#include "lib/base/status.h"
#include "lib/base/strings.h"

namespace c8s::nri {

using ttrpc::Request;

namespace {

std::string EventsHex(int32_t events) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%03x", static_cast<unsigned>(events));
  return buf;
}

}  // namespace

admission::ContainerRequest ToContainerRequest(PodSandbox pod, Container c) {
  admission::ContainerRequest r;
  r.container_id = std::move(c.id);
  r.container_name = std::move(c.name);
  r.pod_namespace = std::move(pod.namespace_name);
  r.pod_name = std::move(pod.name);
  r.pod_uid = std::move(pod.uid);
  // Pod labels only: container labels include the image's own LABELs (api.h).
  r.pod_labels = std::move(pod.labels);
  if (auto it = c.annotations.find(std::string(kImageNameAnnotation)); it != c.annotations.end()) {
    r.image = std::move(it->second);
  }
  r.args = std::move(c.args);
  r.env = std::move(c.env);
  return r;
}

PluginConnection::PluginConnection(UniqueFd fd, admission::Decider& decider,
                                   admission::AdmissionStore& store, PluginOptions options)
    : decider_(decider),
      store_(store),
      options_(std::move(options)),
      session_(std::move(fd), ttrpc::Framing::kNriMux),
      server_(session_.writer(ttrpc::kPluginServiceConn)),
      client_(session_.writer(ttrpc::kRuntimeServiceConn)) {
  RegisterHandlers();
  session_.Attach(ttrpc::kPluginServiceConn, &server_);
  session_.Attach(ttrpc::kRuntimeServiceConn, &client_);
}

PluginConnection::~PluginConnection() { Close(); }

void PluginConnection::Close() { session_.Close(); }

void PluginConnection::RegisterHandlers() {
  std::string plugin(kPluginService);
  auto bind = [this](absl::StatusOr<std::string> (PluginConnection::*fn)(const Request&)) {
    return [this, fn](const Request& r) { return (this->*fn)(r); };
  };
  server_.Register(plugin, "Configure", bind(&PluginConnection::OnConfigure));
  server_.Register(plugin, "Synchronize", bind(&PluginConnection::OnSynchronize));
  server_.Register(plugin, "CreateContainer", bind(&PluginConnection::OnCreateContainer));
  server_.Register(plugin, "StopContainer", bind(&PluginConnection::OnStopContainer));
  server_.Register(plugin, "StateChange", bind(&PluginConnection::OnStateChange));
  // Not subscribed, but answered if a runtime calls anyway: no updates, no adjustments.
  server_.Register(plugin, "UpdateContainer",
                   [](const Request&) -> absl::StatusOr<std::string> { return std::string(); });
  server_.Register(plugin, "Shutdown", [this](const Request&) -> absl::StatusOr<std::string> {
    log::Info("nri: runtime asked the plugin to shut down", {{"plugin", options_.name}});
    return std::string();
  });
}

absl::Status PluginConnection::Run() {
  session_.Start();
  std::string body = EncodeRegisterPluginRequest({options_.name, options_.index});
  absl::StatusOr<std::string> reply =
      client_.Call(kRuntimeService, "RegisterPlugin", body, options_.registration_timeout);
  if (!reply.ok()) {
    session_.Close();
    (void)session_.Wait();
    return Annotate(reply.status(), "nri: RegisterPlugin");
  }
  log::Info("nri: registered with the runtime",
            {{"plugin", options_.name},
             {"index", options_.index},
             {"mode", options_.mode},
             {"policy_generation", decider_.enforced_generation()}});
  return session_.Wait();
}

absl::StatusOr<std::string> PluginConnection::OnConfigure(const Request& r) {
  ASSIGN_OR_RETURN(ConfigureRequest req, DecodeConfigureRequest(r.payload));
  configured_ = true;
  // Never 0: that would subscribe to every event, including ones newer runtimes cannot fall
  // back from (note §4.5).
  int32_t events = options_.events != 0 ? options_.events : kSubscribedEvents;
  int64_t generation = decider_.enforced_generation();
  log::Info("nri: configured",
            {{"plugin", options_.name},
             {"mode", options_.mode},
             {"runtime", StrCat(req.runtime_name, " ", req.runtime_version)},
             {"request_timeout_ms", req.request_timeout_ms},
             {"events", EventsHex(events)},
             {"policy_generation", generation},
             {"policy", generation == 0 ? "bootstrap allow-list only" : "verified bundle"}});
  return EncodeConfigureResponse({events});
}

absl::StatusOr<std::string> PluginConnection::OnSynchronize(const Request& r) {
  ASSIGN_OR_RETURN(SynchronizeRequest req, DecodeSynchronizeRequest(r.payload));
  std::map<std::string, const PodSandbox*> pods;
  for (const PodSandbox& p : req.pods) pods[p.id] = &p;
  absl::Time start = absl::Now();
  size_t readmitted = 0, refused = 0, skipped = 0;
  for (const Container& c : req.containers) {
    if (absl::Now() - start > options_.sync_budget) {
      ++skipped;
      continue;
    }
    auto pod = pods.find(c.pod_sandbox_id);
    PodSandbox none;
    admission::ContainerRequest cr = ToContainerRequest(pod == pods.end() ? none : *pod->second, c);
    absl::StatusOr<admission::Admission> a = decider_.Decide(cr);
    if (a.ok()) {
      store_.Record(*a);
      ++readmitted;
    } else {
      ++refused;
      log::Warn("nri: running container is not admitted by the current policy",
                {{"container", c.id},
                 {"pod", StrCat(cr.pod_namespace, "/", cr.pod_name)},
                 {"reason", StatusText(a.status())}});
    }
  }
  log::Info("nri: synchronized", {{"pods", req.pods.size()},
                                  {"containers", req.containers.size()},
                                  {"readmitted", readmitted},
                                  {"not_admitted", refused},
                                  {"not_evaluated", skipped},
                                  {"more", req.more},
                                  {"policy_generation", decider_.enforced_generation()}});
  // A split synchronization expects `more` echoed and no updates (note §5.3).
  return EncodeSynchronizeResponse({req.more});
}

absl::StatusOr<std::string> PluginConnection::OnCreateContainer(const Request& r) {
  ASSIGN_OR_RETURN(PodContainerRequest req, DecodePodContainerRequest(r.payload));
  admission::ContainerRequest cr = ToContainerRequest(std::move(req.pod), std::move(req.container));
  absl::StatusOr<admission::Admission> a = decider_.Decide(cr);
  std::string pod = StrCat(cr.pod_namespace, "/", cr.pod_name);
  if (!a.ok()) {
    refused_.fetch_add(1, std::memory_order_relaxed);
    log::Warn("nri: refused container", {{"container", cr.container_id},
                                         {"name", cr.container_name},
                                         {"pod", pod},
                                         {"image", cr.image},
                                         {"reason", StatusText(a.status())}});
    return a.status();
  }
  admitted_.fetch_add(1, std::memory_order_relaxed);
  log::Info("nri: admitted container", {{"container", a->container_id},
                                        {"pod", pod},
                                        {"identity", a->identity},
                                        {"image", a->image},
                                        {"policy_generation", a->bundle_generation}});
  store_.Record(*std::move(a));
  return std::string();  // empty CreateContainerResponse: no adjustment
}

absl::StatusOr<std::string> PluginConnection::OnStopContainer(const Request& r) {
  ASSIGN_OR_RETURN(PodContainerRequest req, DecodePodContainerRequest(r.payload));
  // A stopped CRI container never runs again (a restart is a new container).
  store_.Remove(req.container.id);
  return std::string();
}

absl::StatusOr<std::string> PluginConnection::OnStateChange(const Request& r) {
  ASSIGN_OR_RETURN(StateChangeEvent ev, DecodeStateChangeEvent(r.payload));
  if (ev.event == Event::kRemoveContainer && ev.container) store_.Remove(ev.container->id);
  return std::string();
}

}  // namespace c8s::nri
