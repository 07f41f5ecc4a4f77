// Decide step for CR status: what a c8s custom resource's status should say, given what the
// compiler, the CDS and the workloads reconciler reported. Pure; the act step writes the
// status subresource only when StatusChanged() says so (no write, no event, no watch churn
// otherwise).
//
//   StatusInput in{.generation = 3, .proposed_hash = compiled.hash};
//   json status = DesiredStatus(obj.value("status", json()), in, absl::Now());
//   if (StatusChanged(obj["status"], status)) client.UpdateStatus(r, obj_with(status));
#pragma once

#include <string>

#include "absl/time/time.h"
#include "nlohmann/json.hpp"

namespace c8s::op {

// About one WorkloadIdentity, SecretRelease, ConfidentialIngress or AttestationPolicy.
// Precedence when several hold: rejected, blocked, active, cds_error, proposed.
struct StatusInput {
  int64_t generation = 0;          // metadata.generation the decision is about
  std::string rejected = {};       // the compiler left this object out: why
  std::string blocked = {};        // no manifest can be compiled at all: why
  bool active = false;             // the active manifest contains this spec exactly
  std::string active_hash = {};    // and is this one
  int64_t active_generation = 0;   // at this generation
  std::string cds_error = {};      // the CDS is unreachable or refused the proposal
  std::string proposed_hash = {};  // the CDS holds the manifest with this spec as pending
  bool operator==(const StatusInput&) const = default;
};

// The ConfidentialCluster: the whole manifest (active = the desired manifest is the active
// one; active_hash/active_generation = the CDS's active manifest, whichever it is) plus its
// owned workloads.
struct ClusterStatusInput {
  StatusInput manifest;
  bool cds_reached = false;          // a CDS call has succeeded since the last failure
  bool workloads_applied = false;    // every owned object exists and matches
  std::string workloads_error = {};  // the last apply failed: why
  std::string superseded_by = {};    // an older ConfidentialCluster manages this installation
  bool operator==(const ClusterStatusInput&) const = default;
};

// Upserts condition `type`; lastTransitionTime moves only when `status` changes.
void SetCondition(nlohmann::json* status, const std::string& type, const std::string& value,
                  const std::string& reason, const std::string& message, int64_t generation,
                  absl::Time now);

// `current` unchanged when nothing is known yet (compiled, proposal not yet made).
nlohmann::json DesiredStatus(const nlohmann::json& current, const StatusInput& in, absl::Time now);
nlohmann::json DesiredClusterStatus(const nlohmann::json& current, const ClusterStatusInput& in,
                                    absl::Time now);

// Equal up to lastTransitionTime of unchanged conditions (already preserved by SetCondition).
bool StatusChanged(const nlohmann::json& current, const nlohmann::json& desired);

}  // namespace c8s::op
