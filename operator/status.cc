#include "operator/status.h"

namespace c8s::op {

using nlohmann::json;

void SetCondition(json* status, const std::string& type, const std::string& value,
                  const std::string& reason, const std::string& message, int64_t generation,
                  absl::Time now) {
  if (!status->is_object()) *status = json::object();
  json& conds = (*status)["conditions"];
  if (!conds.is_array()) conds = json::array();
  json cond = {
      {"type", type},
      {"status", value},
      {"reason", reason},
      {"message", message},
      {"observedGeneration", generation},
      {"lastTransitionTime", absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", now, absl::UTCTimeZone())}};
  for (json& c : conds) {
    if (c.is_object() && c.value("type", "") == type) {
      if (c.value("status", "") == value && c.contains("lastTransitionTime")) {
        cond["lastTransitionTime"] = c["lastTransitionTime"];
      }
      c = cond;
      return;
    }
  }
  conds.push_back(cond);
}

json DesiredStatus(const json& current, const StatusInput& in, absl::Time now) {
  json status = current.is_object() ? current : json::object();
  status["observedGeneration"] = in.generation;
  if (!in.rejected.empty()) {
    status["phase"] = "Invalid";
    status.erase("manifestHash");
    SetCondition(&status, "Ready", "False", "Invalid", in.rejected, in.generation, now);
    return status;
  }
  if (!in.manifest_hash.empty()) status["manifestHash"] = in.manifest_hash;
  if (!in.cds_error.empty()) {
    status["phase"] = "Error";
    SetCondition(&status, "Ready", "Unknown", "CDSUnavailable", in.cds_error, in.generation, now);
    return status;
  }
  if (!in.manifest_hash.empty() && in.manifest_hash == in.active_hash) {
    status["phase"] = "Active";
    SetCondition(&status, "Ready", "True", "Active", "the active manifest contains this spec",
                 in.generation, now);
  } else {
    status["phase"] = "PendingApproval";
    SetCondition(&status, "Ready", "False", "PendingApproval",
                 "manifest " + in.manifest_hash + " is waiting for owner approval", in.generation,
                 now);
  }
  return status;
}

bool StatusChanged(const json& current, const json& desired) { return current != desired; }

}  // namespace c8s::op
