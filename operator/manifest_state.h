// What the manifest reconciler last learned (compile result, what the CDS holds) and the pure
// functions that turn it into each object's status input. The manifest reconciler writes a
// ManifestState; the status reconciler reads it through ObjectStatusInput().
//
//   std::optional<StatusInput> in = ObjectStatusInput(state, Kind::kIdentity, "shop/api", 3);
//   if (!in) return;   // generation 3 not compiled yet: the manifest reconciler will call back
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>

#include "absl/time/time.h"
#include "lib/manifest/model.h"
#include "operator/cds_client.h"
#include "operator/compile.h"
#include "operator/resources.h"
#include "operator/status.h"

namespace c8s::op {

struct CompiledObject {
  int64_t generation = 0;     // metadata.generation that went into the compile
  std::string rejected = {};  // empty: the object is in the manifest
};

struct ManifestState {
  std::string blocked = {};                       // no manifest compiles: why
  std::shared_ptr<const Compiled> desired;        // null while blocked
  std::map<std::string, CompiledObject> objects;  // StatusKey -> what was compiled
  bool acknowledged = false;                      // the CDS holds `desired` (pending or active)
  bool cds_reached = false;                       // the last CDS call succeeded
  std::string cds_error = {};                     // the last CDS call failed: why
  std::string active_hash = {};  // the CDS's active manifest (empty: unclaimed / unknown)
  int64_t active_generation = 0;
  std::shared_ptr<const manifest::Manifest> active;  // parsed, null when unknown
};

// Does `active` contain the entry `desired` compiled for this object, unchanged? For the
// cluster: the top-level fields; for a policy: its entry and the roles it serves.
bool ActiveContains(const manifest::Manifest& active, const manifest::Manifest& desired, Kind kind,
                    const std::string& ref);

// nullopt when `generation` is not what was last compiled for this object.
std::optional<StatusInput> ObjectStatusInput(const ManifestState& state, Kind kind,
                                             const std::string& ref, int64_t generation);

// The manifest part of the ConfidentialCluster's status (active = the desired manifest is the
// active one).
StatusInput ClusterManifestInput(const ManifestState& state, int64_t generation);

// Zero: propose now. Otherwise wait this long: proposals wait until the inputs have been quiet
// for `settle` (a `kubectl apply` of many objects gives one proposal, not one per object), but
// never longer than `max_settle` after the first change that is not yet proposed.
absl::Duration ProposeDelay(absl::Time last_change, absl::Time unproposed_since,
                            absl::Duration settle, absl::Duration max_settle, absl::Time now);

// After reading the CDS: must `desired_hash` be proposed (it is neither pending nor active)?
bool NeedsProposal(const std::string& desired_hash, const CdsView& view);

}  // namespace c8s::op
