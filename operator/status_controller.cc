#include "operator/status_controller.h"

#include "absl/time/clock.h"
#include "lib/base/log.h"
#include "lib/base/strings.h"
#include "lib/kube/controller.h"
#include "lib/kube/errors.h"
#include "lib/kube/json_util.h"
#include "operator/status.h"

namespace c8s::op {

using nlohmann::json;

absl::StatusOr<absl::Duration> StatusController::Reconcile(const std::string& key) {
  Kind kind;
  std::string ref;
  if (!ParseStatusKey(key, &kind, &ref)) {
    return kube::Permanent(absl::InvalidArgumentError(StrCat("not a status key: ", key)));
  }
  std::optional<json> obj = caches_->Of(kind).Get(ref);
  if (!obj || !(*obj)["metadata"].is_object() || (*obj)["metadata"].contains("deletionTimestamp")) {
    return absl::ZeroDuration();
  }
  const json& md = (*obj)["metadata"];
  int64_t generation = md.contains("generation") && md["generation"].is_number_integer()
                           ? md["generation"].get<int64_t>()
                           : 0;
  json current = obj->contains("status") ? (*obj)["status"] : json();
  json desired;
  absl::Time now = absl::Now();
  if (kind == Kind::kCluster) {
    std::optional<ClusterStatusInput> in = state_->ClusterInput(ref, generation);
    if (!in) return absl::ZeroDuration();
    desired = DesiredClusterStatus(current, *in, now);
  } else {
    std::optional<StatusInput> in = state_->ObjectInput(kind, ref, generation);
    if (!in) return absl::ZeroDuration();
    desired = DesiredStatus(current, *in, now);
  }
  if (!StatusChanged(current, desired)) return absl::ZeroDuration();
  json updated = std::move(*obj);
  updated["status"] = desired;
  absl::StatusOr<json> written = client_->UpdateStatus(KindResource(kind), updated);
  if (kube::IsNotFound(written.status())) return absl::ZeroDuration();
  if (kube::IsConflict(written.status())) {
    metrics_->Inc("c8s_operator_status_writes_total", {{"result", "conflict"}});
    return written.status();  // our cached copy is stale: retry once the cache caught up
  }
  if (!written.ok()) {
    metrics_->Inc("c8s_operator_status_writes_total", {{"result", "error"}});
    return written.status();
  }
  metrics_->Inc("c8s_operator_status_writes_total", {{"result", "ok"}});
  log::Debug(
      "status written",
      {{"object", key}, {"phase", kube::GetString(desired, "phase")}, {"generation", generation}});
  return absl::ZeroDuration();
}

}  // namespace c8s::op
