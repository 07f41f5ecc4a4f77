#include "operator/manifest_state.h"

#include <algorithm>

namespace c8s::op {
namespace {

// Entry lists are sorted by ref after manifest::Normalize.
template <typename T>
const T* FindRef(const std::vector<T>& list, const std::string& ref) {
  auto it = std::lower_bound(list.begin(), list.end(), ref,
                             [](const T& e, const std::string& r) { return e.ref < r; });
  return it != list.end() && it->ref == ref ? &*it : nullptr;
}

template <typename T>
bool SameEntry(const std::vector<T>& active, const std::vector<T>& desired,
               const std::string& ref) {
  const T* a = FindRef(active, ref);
  const T* d = FindRef(desired, ref);
  return a != nullptr && d != nullptr && *a == *d;
}

bool ServesSameRoles(const manifest::Roles& a, const manifest::Roles& d, const std::string& name) {
  return (a.nodes == name) == (d.nodes == name) && (a.cds == name) == (d.cds == name) &&
         (a.ingress == name) == (d.ingress == name);
}

}  // namespace

bool ActiveContains(const manifest::Manifest& active, const manifest::Manifest& desired, Kind kind,
                    const std::string& ref) {
  switch (kind) {
    case Kind::kCluster:
      return active.trust_domain == desired.trust_domain && active.approval == desired.approval &&
             active.owners == desired.owners && active.recovery_keys == desired.recovery_keys;
    case Kind::kPolicy: {
      auto a = active.attestation_policies.find(ref);
      auto d = desired.attestation_policies.find(ref);
      return a != active.attestation_policies.end() && d != desired.attestation_policies.end() &&
             a->second == d->second && ServesSameRoles(active.roles, desired.roles, ref);
    }
    case Kind::kIdentity:
      return SameEntry(active.identities, desired.identities, ref);
    case Kind::kSecret:
      return SameEntry(active.secrets, desired.secrets, ref);
    case Kind::kIngress:
      return SameEntry(active.ingresses, desired.ingresses, ref);
  }
  return false;
}

std::optional<StatusInput> ObjectStatusInput(const ManifestState& s, Kind kind,
                                             const std::string& ref, int64_t generation) {
  auto it = s.objects.find(StatusKey(kind, ref));
  if (it == s.objects.end() || it->second.generation != generation) return std::nullopt;
  StatusInput in;
  in.generation = generation;
  in.rejected = it->second.rejected;
  in.blocked = s.blocked;
  if (s.desired != nullptr && s.active != nullptr && in.rejected.empty()) {
    in.active = ActiveContains(*s.active, s.desired->manifest, kind, ref);
  }
  if (in.active) {
    in.active_hash = s.active_hash;
    in.active_generation = s.active_generation;
  }
  in.cds_error = s.cds_error;
  if (s.desired != nullptr && s.acknowledged) in.proposed_hash = s.desired->hash;
  return in;
}

StatusInput ClusterManifestInput(const ManifestState& s, int64_t generation) {
  StatusInput in;
  in.generation = generation;
  in.blocked = s.blocked;
  in.active_hash = s.active_hash;
  in.active_generation = s.active_generation;
  in.active = s.desired != nullptr && !s.active_hash.empty() && s.desired->hash == s.active_hash;
  in.cds_error = s.cds_error;
  if (s.desired != nullptr && s.acknowledged) in.proposed_hash = s.desired->hash;
  return in;
}

absl::Duration ProposeDelay(absl::Time last_change, absl::Time unproposed_since,
                            absl::Duration settle, absl::Duration max_settle, absl::Time now) {
  absl::Time at = std::min(last_change + settle, unproposed_since + max_settle);
  return std::max(at - now, absl::ZeroDuration());
}

bool NeedsProposal(const std::string& desired_hash, const CdsView& view) {
  return !desired_hash.empty() && view.active_hash != desired_hash && !view.pending;
}

}  // namespace c8s::op
