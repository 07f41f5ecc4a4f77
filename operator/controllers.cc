#include "operator/controllers.h"

#include "absl/time/clock.h"
#include "lib/base/log.h"
#include "lib/base/strings.h"
#include "lib/kube/json_util.h"

namespace c8s::op {
namespace {

using nlohmann::json;

int64_t Generation(const json& obj) {
  const json& md = obj.value("metadata", json::object());
  return md.contains("generation") && md["generation"].is_number_integer()
             ? md["generation"].get<int64_t>()
             : 0;
}

bool Deleting(const json& obj) {
  return obj.contains("metadata") && obj["metadata"].is_object() &&
         obj["metadata"].contains("deletionTimestamp");
}

// The ConfidentialCluster that controls an owned object.
std::string OwnerCluster(const json& obj) {
  const json& md = obj.value("metadata", json::object());
  if (!md.contains("ownerReferences") || !md["ownerReferences"].is_array()) return "";
  for (const json& ref : md["ownerReferences"]) {
    if (kube::GetString(ref, "kind") == "ConfidentialCluster" &&
        kube::GetString(ref, "apiVersion").rfind("c8s.dev/", 0) == 0) {
      return kube::GetString(ref, "name");
    }
  }
  return "";
}

kube::WorkQueueOptions QueueOptions(absl::Duration max_delay) {
  kube::WorkQueueOptions q;
  q.max_delay = max_delay;
  q.qps = 50;  // overall retry rate across keys; first attempts are never limited
  q.burst = 200;
  return q;
}

}  // namespace

Controllers::Controllers(kube::Client* client, CdsClient* cds, Metrics* metrics,
                         ControllersOptions options)
    : metrics_(metrics),
      options_(std::move(options)),
      caches_(client),
      events_(client, "c8s-operator", options_.identity),
      manifest_(
          &caches_, cds, &state_, metrics, options_.manifest,
          [this](const std::string& key) { status_ctl_->Enqueue(key); },
          [this](absl::Duration d) { propose_ctl_->EnqueueAfter(kProposeKey, d); }),
      status_(client, &caches_, &state_, metrics),
      cluster_(client, &caches_, &state_, metrics,
               [this](const std::string& key) { status_ctl_->Enqueue(key); }) {
  kube::WorkQueueOptions q = QueueOptions(options_.max_retry_delay);
  auto observe = [this](const char* name) {
    return [this, name](const std::string&, absl::Duration took, const absl::Status& st) {
      metrics_->Inc("c8s_operator_reconciles_total", {{"controller", name}});
      if (!st.ok()) metrics_->Inc("c8s_operator_reconcile_errors_total", {{"controller", name}});
      metrics_->Observe("c8s_operator_reconcile_seconds", {{"controller", name}},
                        absl::ToDoubleSeconds(took));
    };
  };
  manifest_ctl_ = std::make_unique<kube::Controller>(
      kube::ControllerOptions{"manifest", 1, q},
      [this](const std::string&) { return manifest_.Reconcile(); });
  propose_ctl_ = std::make_unique<kube::Controller>(
      kube::ControllerOptions{"propose", 1, q},
      [this](const std::string&) { return manifest_.ReconcileProposal(); });
  status_ctl_ = std::make_unique<kube::Controller>(
      kube::ControllerOptions{"status", options_.status_workers, q},
      [this](const std::string& key) { return status_.Reconcile(key); });
  cluster_ctl_ = std::make_unique<kube::Controller>(
      kube::ControllerOptions{"cluster", 1, q},
      [this](const std::string& key) { return cluster_.Reconcile(key); });
  manifest_ctl_->observer = observe("manifest");
  propose_ctl_->observer = observe("propose");
  status_ctl_->observer = observe("status");
  cluster_ctl_->observer = observe("cluster");
  if (options_.record_events) {
    manifest_.on_event = [this](const std::string& key, const std::string& type,
                                const std::string& reason, const std::string& message) {
      RecordEvent(key, type, reason, message);
    };
  }
  Wire();
}

Controllers::~Controllers() { Stop(); }

void Controllers::RecordEvent(const std::string& key, const std::string& type,
                              const std::string& reason, const std::string& message) {
  Kind kind;
  std::string ref;
  if (!ParseStatusKey(key, &kind, &ref)) return;
  std::optional<json> obj = caches_.Of(kind).Get(ref);
  if (!obj) return;
  absl::StatusOr<json> ev = events_.Record(*obj, type, reason, "Reconcile", message);
  if (!ev.ok()) {
    log::Debug("event not recorded", {{"object", key}, {"error", StatusText(ev.status())}});
  }
}

void Controllers::Wire() {
  for (Kind kind : kAllKinds) {
    auto manifest_changed = [this] {
      manifest_.NoteEvent(absl::Now());
      manifest_ctl_->Enqueue(kManifestKey);
    };
    auto clusters_changed = [this, kind] {
      if (kind != Kind::kCluster) return;
      // Any cluster event can change which one manages the installation: look at all.
      for (const json& c : caches_.Of(Kind::kCluster).List()) {
        cluster_ctl_->Enqueue(kube::ObjectKey(c));
      }
    };
    caches_.Of(kind).AddHandlers({.on_add =
                                      [=, this](const json& obj) {
                                        manifest_changed();
                                        clusters_changed();
                                        status_ctl_->Enqueue(StatusKey(kind, kube::ObjectKey(obj)));
                                      },
                                  .on_update =
                                      [=, this](const json& old_obj, const json& obj) {
                                        // Status-only writes (ours included) do not change the
                                        // manifest.
                                        if (Generation(old_obj) != Generation(obj) ||
                                            Deleting(old_obj) != Deleting(obj)) {
                                          manifest_changed();
                                        }
                                        clusters_changed();
                                        if (kind == Kind::kCluster)
                                          cluster_ctl_->Enqueue(kube::ObjectKey(obj));
                                        status_ctl_->Enqueue(StatusKey(kind, kube::ObjectKey(obj)));
                                      },
                                  .on_delete =
                                      [=, this](const json& obj) {
                                        manifest_changed();
                                        clusters_changed();
                                        if (kind == Kind::kCluster)
                                          cluster_ctl_->Enqueue(kube::ObjectKey(obj));
                                      }});
  }
  for (const kube::Resource& r : kOwnedResources) {
    auto owner = [this](const json& obj) {
      std::string name = OwnerCluster(obj);
      if (!name.empty()) cluster_ctl_->Enqueue(name);
    };
    caches_.Owned(r).AddHandlers({.on_add = owner,
                                  .on_update = [owner](const json&, const json& o) { owner(o); },
                                  .on_delete = owner});
  }
}

void Controllers::Start() {
  caches_.Start();
  starter_ = std::thread([this] {
    absl::Time end = absl::Now() + options_.sync_timeout;
    while (!stopping_ && !caches_.WaitForSync(absl::Milliseconds(200))) {
      if (absl::Now() > end) {
        log::Warn("caches not synced yet; still waiting",
                  {{"waited_s", absl::ToInt64Seconds(options_.sync_timeout)}});
        end = absl::InfiniteFuture();
      }
    }
    if (stopping_) return;
    synced_ = true;
    log::Info("caches synced; starting reconcilers");
    manifest_ctl_->Enqueue(kManifestKey);
    manifest_ctl_->Start();
    propose_ctl_->Start();
    status_ctl_->Start();
    cluster_ctl_->Start();
  });
}

void Controllers::Stop() {
  stopping_ = true;
  if (starter_.joinable()) starter_.join();
  caches_.Stop();  // no more events
  cluster_ctl_->Stop();
  manifest_ctl_->Stop();
  propose_ctl_->Stop();
  status_ctl_->Stop();
}

}  // namespace c8s::op
