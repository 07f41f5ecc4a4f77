#include "operator/manifest_controller.h"

#include "absl/time/clock.h"
#include "lib/base/log.h"
#include "lib/base/status.h"
#include "lib/base/strings.h"
#include "lib/kube/json_util.h"
#include "lib/manifest/parse.h"
#include "operator/workloads.h"

namespace c8s::op {
namespace {

using nlohmann::json;

constexpr size_t kMaxLatencySamples = 200000;

bool Deleting(const json& obj) {
  return obj.contains("metadata") && obj["metadata"].is_object() &&
         obj["metadata"].contains("deletionTimestamp");
}

int64_t Generation(const json& obj) {
  const json& md = obj["metadata"];
  auto it = md.find("generation");
  return it != md.end() && it->is_number_integer() ? it->get<int64_t>() : 0;
}

}  // namespace

ManifestController::ManifestController(Caches* caches, CdsClient* cds, SharedState* state,
                                       Metrics* metrics, ManifestOptions options,
                                       Notify enqueue_status,
                                       std::function<void(absl::Duration)> schedule_propose)
    : caches_(caches),
      cds_(cds),
      state_(state),
      metrics_(metrics),
      options_(options),
      enqueue_status_(std::move(enqueue_status)),
      schedule_propose_(std::move(schedule_propose)),
      cds_backoff_(options.cds_backoff) {}

void ManifestController::Event(const std::string& type, const std::string& reason,
                               const std::string& message) {
  if (on_event && !managing_cluster_.empty()) {
    on_event(StatusKey(Kind::kCluster, managing_cluster_), type, reason, message);
  }
}

int64_t ManifestController::cds_calls() const {
  std::lock_guard<std::mutex> lock(mu_);
  return cds_calls_;
}

void ManifestController::NoteEvent(absl::Time arrival) {
  std::lock_guard<std::mutex> lock(mu_);
  pending_events_.push_back(arrival);
}

std::vector<double> ManifestController::LatenciesMs() const {
  std::lock_guard<std::mutex> lock(mu_);
  return {latencies_ms_.begin(), latencies_ms_.end()};
}

int64_t ManifestController::proposals() const {
  std::lock_guard<std::mutex> lock(mu_);
  return proposals_;
}

absl::StatusOr<absl::Duration> ManifestController::Reconcile() {
  std::vector<absl::Time> covered;
  {
    std::lock_guard<std::mutex> lock(mu_);
    covered.swap(pending_events_);
  }
  absl::Time now = absl::Now();
  Inputs in;
  std::string fingerprint;
  auto note = [&](Kind kind, const json& obj) -> std::string {
    std::string key = StatusKey(kind, kube::ObjectKey(obj));
    int64_t gen = Generation(obj);
    in.generations[key] = gen;
    fingerprint += StrCat(key, ":", kube::GetString(obj["metadata"], "uid"), ":", gen, "\n");
    return key;
  };
  std::vector<json> clusters = caches_->Of(Kind::kCluster).List();
  in.managing = ManagingCluster(clusters);
  for (json& c : clusters) {
    if (kube::ObjectKey(c) != in.managing) continue;
    note(Kind::kCluster, c);
    if (!Deleting(c)) in.parts.cluster = std::move(c);  // being torn down: no manifest
  }
  for (const auto& obj : caches_->Of(Kind::kPolicy).Snapshot()) {
    if (Deleting(*obj)) continue;  // leaves the manifest as soon as its deletion starts
    note(Kind::kPolicy, *obj);
    in.parts.policies.push_back(*obj);
  }
  // The many: converted once per uid + generation, then shared.
  std::map<std::string, Cached> converted;
  for (Kind kind : {Kind::kIdentity, Kind::kSecret, Kind::kIngress}) {
    for (const auto& obj : caches_->Of(kind).Snapshot()) {
      if (Deleting(*obj)) continue;
      std::string key = note(kind, *obj);
      std::string uid = kube::GetString((*obj)["metadata"], "uid");
      int64_t gen = in.generations[key];
      Cached entry;
      auto it = converted_.find(key);
      if (it != converted_.end() && it->second.uid == uid && it->second.generation == gen) {
        entry = std::move(it->second);
      } else {
        entry.uid = uid;
        entry.generation = gen;
        if (kind == Kind::kIdentity) {
          entry.identity = std::make_shared<const manifest::Identity>(IdentityEntry(*obj));
        } else if (kind == Kind::kSecret) {
          entry.secret = std::make_shared<const manifest::Secret>(SecretEntry(*obj));
        } else {
          entry.ingress = std::make_shared<const manifest::Ingress>(IngressEntry(*obj));
        }
      }
      if (entry.identity) in.parts.identities.push_back(entry.identity);
      if (entry.secret) in.parts.secrets.push_back(entry.secret);
      if (entry.ingress) in.parts.ingresses.push_back(entry.ingress);
      converted.emplace(key, std::move(entry));
    }
  }
  converted_ = std::move(converted);  // forgets deleted objects
  bool changed = false;
  absl::Duration delay = absl::ZeroDuration();
  {
    std::lock_guard<std::mutex> lock(inputs_mu_);
    if (fingerprint != fingerprint_ || inputs_.version == 0) {
      changed = true;
      fingerprint_ = std::move(fingerprint);
      in.version = inputs_.version + 1;
      inputs_ = std::move(in);
      last_change_ = now;
      if (unproposed_since_ == absl::InfiniteFuture()) unproposed_since_ = now;
    }
    delay =
        ProposeDelay(last_change_, unproposed_since_, options_.settle, options_.max_settle, now);
  }
  if (changed) schedule_propose_(delay);
  absl::Time done = absl::Now();
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (absl::Time arrival : covered) {
      double ms = absl::ToDoubleMilliseconds(done - arrival);
      latencies_ms_.push_back(ms);
      metrics_->Observe("c8s_operator_event_to_reconcile_seconds", {}, ms / 1000);
      if (latencies_ms_.size() > kMaxLatencySamples) latencies_ms_.pop_front();
    }
  }
  return absl::ZeroDuration();
}

void ManifestController::Compile(const Inputs& in) {
  absl::Time start = absl::Now();
  absl::StatusOr<Compiled> compiled = CompileFromParts(in.parts);
  absl::Duration took = absl::Now() - start;
  metrics_->Observe("c8s_operator_compile_seconds", {}, absl::ToDoubleSeconds(took));
  std::string hash = compiled.ok() ? compiled->hash : "";
  std::map<std::string, std::string> rejected;
  state_->UpdateManifest([&](ManifestState& m) {
    m.objects.clear();
    for (const auto& [key, gen] : in.generations) m.objects[key] = {gen, ""};
    if (!compiled.ok()) {
      m.blocked = StatusText(compiled.status());
      m.desired.reset();
      return;
    }
    m.blocked.clear();
    for (const Rejection& r : compiled->rejected) {
      std::string key = r.kind + "/" + r.ref;
      m.objects[key].rejected = r.message;
      rejected[key] = r.message;
    }
    m.desired = std::make_shared<const Compiled>(std::move(*compiled));
    m.acknowledged = !hash.empty() && hash == acknowledged_hash_;
  });
  for (const auto& [key, message] : rejected) {
    auto old = rejected_.find(key);
    if ((old == rejected_.end() || old->second != message) && on_event) {
      on_event(key, "Warning", "Invalid", message);
    }
  }
  rejected_ = std::move(rejected);
  if (hash != desired_hash_) {
    if (!hash.empty()) {
      log::Info("manifest compiled", {{"manifest", hash},
                                      {"objects", in.generations.size()},
                                      {"rejected", rejected_.size()},
                                      {"ms", absl::ToInt64Milliseconds(took)}});
    } else {
      log::Warn("no manifest compiles", {{"error", StatusText(compiled.status())}});
    }
    desired_hash_ = hash;
  }
}

void ManifestController::CdsFailed(const absl::Status& status, const char* call) {
  std::string message = StatusText(status);
  metrics_->Inc("c8s_operator_cds_errors_total", {{"call", call}});
  state_->UpdateManifest([&](ManifestState& m) {
    m.cds_error = message;
    m.cds_reached = false;
  });
  if (message != last_cds_error_) {
    log::Warn("CDS call failed", {{"cds", cds_->target()}, {"call", call}, {"error", message}});
    if (last_cds_error_.empty()) Event("Warning", "CDSUnavailable", message);
  }
  last_cds_error_ = message;
}

void ManifestController::ApplyView(const CdsView& view) {
  if (!last_cds_error_.empty()) {
    log::Info("CDS reachable again", {{"cds", cds_->target()}});
    last_cds_error_.clear();
  }
  std::shared_ptr<const manifest::Manifest> parsed;
  bool changed = view.active_hash != active_hash_;
  if (changed && !view.active_json.empty()) {
    absl::StatusOr<manifest::Manifest> m = manifest::ParseManifest(view.active_json);
    if (m.ok()) {
      parsed = std::make_shared<const manifest::Manifest>(std::move(*m));
    } else {
      log::Error("the CDS's active manifest does not parse",
                 {{"manifest", view.active_hash}, {"error", StatusText(m.status())}});
    }
  }
  state_->UpdateManifest([&](ManifestState& m) {
    m.cds_error.clear();
    m.cds_reached = true;
    if (changed) {
      m.active_hash = view.active_hash;
      m.active_generation = view.active_generation;
      m.active = parsed;
    }
  });
  if (changed) {
    log::Info("CDS active manifest", {{"manifest", view.active_hash},
                                      {"generation", view.active_generation},
                                      {"desired", desired_hash_}});
    if (!view.active_hash.empty()) {
      Event("Normal", "Activated",
            StrCat("manifest ", view.active_hash, " is active at generation ",
                   view.active_generation));
    }
    active_hash_ = view.active_hash;
  }
}

absl::Status ManifestController::ReadCds(const std::string& hash, CdsView* view) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    ++cds_calls_;
  }
  absl::StatusOr<CdsView> v = cds_->View(hash);
  if (!v.ok()) {
    CdsFailed(v.status(), "View");
    return v.status();
  }
  cds_backoff_.Reset();
  ApplyView(*v);
  *view = std::move(*v);
  absl::Duration interval =
      view->active_hash == desired_hash_ ? options_.resync_interval : options_.poll_interval;
  next_poll_ = absl::Now() + interval;
  return absl::OkStatus();
}

absl::Status ManifestController::SyncWithCds(absl::Time now, absl::Duration* wake) {
  *wake = absl::ZeroDuration();
  if (desired_hash_.empty()) return absl::OkStatus();  // blocked: nothing to propose
  if (now < cds_retry_at_) {                           // backing off after a failure
    *wake = cds_retry_at_ - now;
    return absl::OkStatus();
  }
  if (acknowledged_hash_ != desired_hash_) {
    // Ask first: after a restart (or with another replica) the CDS may hold it already.
    CdsView view;
    RETURN_IF_ERROR(ReadCds(desired_hash_, &view));
    if (NeedsProposal(desired_hash_, view)) {
      std::shared_ptr<const Compiled> desired;
      state_->ReadManifest([&](const ManifestState& m) { desired = m.desired; });
      {
        std::lock_guard<std::mutex> lock(mu_);
        ++cds_calls_;
      }
      absl::StatusOr<ProposeResult> r = cds_->Propose(desired->canonical);
      if (!r.ok()) {
        CdsFailed(r.status(), "Propose");
        return r.status();
      }
      if (r->manifest_hash != desired_hash_) {
        absl::Status mismatch = absl::InternalError(
            StrCat("CDS stored the proposal as ", r->manifest_hash, ", compiled ", desired_hash_));
        CdsFailed(mismatch, "Propose");
        return mismatch;
      }
      {
        std::lock_guard<std::mutex> lock(mu_);
        ++proposals_;
      }
      metrics_->Inc("c8s_operator_proposals_total");
      if (options_.on_proposed) {
        options_.on_proposed(desired_hash_, desired->manifest.identities.size());
      }
      log::Info("manifest proposed", {{"manifest", desired_hash_},
                                      {"identities", desired->manifest.identities.size()},
                                      {"activated", r->activated}});
      Event("Normal", "Proposed",
            StrCat("manifest ", desired_hash_, " proposed to the CDS",
                   r->activated ? " and activated (Automatic approval)" : ""));
      if (r->activated) next_poll_ = now;  // read the new active state at once
    }
    acknowledged_hash_ = desired_hash_;
    state_->UpdateManifest([&](ManifestState& m) { m.acknowledged = true; });
  }
  if (now >= next_poll_) {
    CdsView view;
    RETURN_IF_ERROR(ReadCds(desired_hash_, &view));
    if (NeedsProposal(desired_hash_, view)) {
      log::Warn("the CDS no longer holds the proposal; proposing it again",
                {{"manifest", desired_hash_}, {"active", view.active_hash}});
      acknowledged_hash_.clear();
      state_->UpdateManifest([&](ManifestState& m) { m.acknowledged = false; });
      return SyncWithCds(now, wake);
    }
  }
  *wake = std::max(next_poll_ - absl::Now(), absl::Milliseconds(1));
  return absl::OkStatus();
}

void ManifestController::Publish() {
  std::vector<std::string> changed;
  state_->ReadManifest([&](const ManifestState& m) {
    std::map<std::string, StatusInput> now;
    for (const auto& [key, compiled] : m.objects) {
      Kind kind;
      std::string ref;
      if (!ParseStatusKey(key, &kind, &ref)) continue;
      StatusInput in = kind == Kind::kCluster
                           ? ClusterManifestInput(m, compiled.generation)
                           : *ObjectStatusInput(m, kind, ref, compiled.generation);
      auto old = published_.find(key);
      if (old == published_.end() || !(old->second == in)) changed.push_back(key);
      now.emplace(key, std::move(in));
    }
    published_ = std::move(now);
  });
  for (const std::string& key : changed) enqueue_status_(key);
}

absl::StatusOr<absl::Duration> ManifestController::ReconcileProposal() {
  absl::Time now = absl::Now();
  Inputs in;
  bool compile = false;
  {
    std::lock_guard<std::mutex> lock(inputs_mu_);
    if (inputs_.version == 0) return absl::ZeroDuration();  // nothing gathered yet
    if (inputs_.version != compiled_version_) {
      absl::Duration delay =
          ProposeDelay(last_change_, unproposed_since_, options_.settle, options_.max_settle, now);
      if (delay > absl::ZeroDuration()) return delay;
      in = inputs_;  // entries are shared pointers: a cheap copy
      unproposed_since_ = absl::InfiniteFuture();
      compile = true;
    }
  }
  if (compile) {
    Compile(in);
    compiled_version_ = in.version;
    managing_cluster_ = in.managing;
  }
  absl::Duration wake;
  absl::Status cds = SyncWithCds(now, &wake);
  if (!cds.ok()) {
    wake = cds_backoff_.Next();
    cds_retry_at_ = absl::Now() + wake;
    metrics_->Inc("c8s_operator_cds_retries_total");
  }
  Publish();
  return wake;  // CDS failures are in the status and paced by cds_backoff_, not the queue
}

}  // namespace c8s::op
