// Decide step for CR status: what a c8s custom resource's status should say, given what the
// compiler and the CDS reported. Pure; the act step writes the status subresource only when
// StatusChanged() says so (no write, no event, no watch churn otherwise).
//
//   StatusInput in{.generation = 3, .manifest_hash = out.hash, .active_hash = cds_active};
//   json status = DesiredStatus(obj.value("status", json()), in, absl::Now());
//   if (StatusChanged(obj["status"], status)) client.MergePatch(r, ns, name, {{"status", status}},
//   true);
#pragma once

#include <string>

#include "absl/time/time.h"
#include "nlohmann/json.hpp"

namespace c8s::op {

struct StatusInput {
  int64_t generation = 0;
  std::string rejected = {};       // compiler message when the object was left out
  std::string cds_error = {};      // Propose/Status call failure (CDS down)
  std::string manifest_hash = {};  // of the manifest containing the object (proposed)
  std::string active_hash = {};    // the CDS's active manifest
};

// Upserts condition `type`; lastTransitionTime moves only when `status` changes.
void SetCondition(nlohmann::json* status, const std::string& type, const std::string& value,
                  const std::string& reason, const std::string& message, int64_t generation,
                  absl::Time now);

nlohmann::json DesiredStatus(const nlohmann::json& current, const StatusInput& in, absl::Time now);

// Equal up to lastTransitionTime of unchanged conditions (already preserved by SetCondition).
bool StatusChanged(const nlohmann::json& current, const nlohmann::json& desired);

}  // namespace c8s::op
