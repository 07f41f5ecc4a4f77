#include "operator/status.h"

#include "lib/base/strings.h"

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
  auto set = [&](const char* phase, const char* ready, const char* reason, const std::string& msg) {
    status["observedGeneration"] = in.generation;
    status["phase"] = phase;
    SetCondition(&status, "Ready", ready, reason, msg, in.generation, now);
  };
  if (!in.rejected.empty()) {
    set("Invalid", "False", "Invalid", in.rejected);
    status.erase("manifestHash");
    status.erase("activeGeneration");
  } else if (!in.blocked.empty()) {
    set("Pending", "False", "ManifestIncomplete", in.blocked);
    status.erase("manifestHash");
    status.erase("activeGeneration");
  } else if (in.active) {
    set("Active", "True", "Active", StrCat("active in manifest generation ", in.active_generation));
    status["manifestHash"] = in.active_hash;
    status["activeGeneration"] = in.active_generation;
  } else if (!in.cds_error.empty()) {
    set("Error", "Unknown", "CDSUnavailable", in.cds_error);
    if (!in.proposed_hash.empty()) status["manifestHash"] = in.proposed_hash;
    status.erase("activeGeneration");
  } else if (!in.proposed_hash.empty()) {
    set("PendingApproval", "False", "PendingApproval",
        StrCat("manifest ", in.proposed_hash, " is waiting for owner approval"));
    status["manifestHash"] = in.proposed_hash;
    status.erase("activeGeneration");
  }
  return status;
}

json DesiredClusterStatus(const json& current, const ClusterStatusInput& in, absl::Time now) {
  json status = current.is_object() ? current : json::object();
  const StatusInput& m = in.manifest;
  int64_t gen = m.generation;
  status["observedGeneration"] = gen;
  if (!in.superseded_by.empty()) {
    status["phase"] = "Error";
    SetCondition(&status, "Ready", "False", "Superseded",
                 StrCat("ConfidentialCluster ", in.superseded_by,
                        " already manages this installation; this one is ignored"),
                 gen, now);
    return status;
  }
  if (in.workloads_error.empty()) {
    SetCondition(&status, "WorkloadsReady", in.workloads_applied ? "True" : "False",
                 in.workloads_applied ? "Applied" : "Provisioning",
                 in.workloads_applied ? "every owned workload exists and matches the spec"
                                      : "creating the owned workloads",
                 gen, now);
  } else {
    SetCondition(&status, "WorkloadsReady", "False", "ApplyFailed", in.workloads_error, gen, now);
  }
  if (!m.cds_error.empty()) {
    SetCondition(&status, "CDSReachable", "False", "CDSUnavailable", m.cds_error, gen, now);
  } else if (in.cds_reached) {
    SetCondition(&status, "CDSReachable", "True", "Reached", "the CDS answered", gen, now);
  }
  if (!m.active_hash.empty()) {  // for the cluster: the CDS's active manifest, whatever it is
    status["activeGeneration"] = m.active_generation;
    status["activeManifestHash"] = m.active_hash;
  }
  if (!m.proposed_hash.empty()) status["manifestHash"] = m.proposed_hash;
  if (m.active) status["manifestHash"] = m.active_hash;
  std::string phase, reason, message;
  if (!in.workloads_error.empty()) {
    phase = "Degraded", reason = "WorkloadsFailed", message = in.workloads_error;
  } else if (!m.blocked.empty()) {
    phase = "Pending", reason = "ManifestIncomplete", message = m.blocked;
    status.erase("manifestHash");
  } else if (!in.workloads_applied) {
    phase = "Provisioning", reason = "Provisioning", message = "creating the owned workloads";
  } else if (m.active) {
    phase = "Active", reason = "Active",
    message = StrCat("manifest generation ", m.active_generation, " is active");
  } else if (!m.cds_error.empty()) {
    phase = "Error", reason = "CDSUnavailable", message = m.cds_error;
  } else if (!m.proposed_hash.empty()) {
    phase = "PendingApproval", reason = "PendingApproval",
    message = StrCat("manifest ", m.proposed_hash, " is waiting for owner approval");
  } else {
    phase = "Provisioning", reason = "Proposing", message = "compiling and proposing the manifest";
  }
  status["phase"] = phase;
  SetCondition(&status, "Ready", phase == "Active" ? "True" : "False", reason, message, gen, now);
  return status;
}

bool StatusChanged(const json& current, const json& desired) { return current != desired; }

}  // namespace c8s::op
