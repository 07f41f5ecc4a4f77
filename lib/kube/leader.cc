#include "lib/kube/leader.h"

#include <thread>

#include "absl/time/clock.h"
#include "lib/kube/errors.h"

namespace c8s::kube {

const Resource kLeases{"coordination.k8s.io", "v1", "leases", true};

std::string MicroTime(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E6SZ", t, absl::UTCTimeZone());
}

LeaderElector::LeaderElector(Client* client, LeaderElectionConfig config)
    : client_(client), config_(std::move(config)) {}

absl::StatusOr<bool> LeaderElector::TryAcquireOrRenew() {
  absl::Time now = absl::Now();
  int64_t duration_s = absl::ToInt64Seconds(config_.lease_duration);
  absl::StatusOr<json> lease = client_->Get(kLeases, config_.ns, config_.name);
  if (kube::IsNotFound(lease.status())) {
    json fresh = {{"apiVersion", "coordination.k8s.io/v1"},
                  {"kind", "Lease"},
                  {"metadata", {{"name", config_.name}, {"namespace", config_.ns}}},
                  {"spec",
                   {{"holderIdentity", config_.identity},
                    {"leaseDurationSeconds", duration_s},
                    {"acquireTime", MicroTime(now)},
                    {"renewTime", MicroTime(now)},
                    {"leaseTransitions", 0}}}};
    absl::StatusOr<json> created = client_->Create(kLeases, config_.ns, fresh);
    if (kube::IsAlreadyExists(created.status())) return false;  // another candidate was faster
    if (!created.ok()) return created.status();
    leader_ = true;
    last_renew_ = now;
    return true;
  }
  if (!lease.ok()) return lease.status();
  json spec = lease->value("spec", json::object());
  std::string holder = spec.value("holderIdentity", "");
  absl::Time renew = absl::InfinitePast();
  std::string err;
  if (spec.contains("renewTime") && spec["renewTime"].is_string()) {
    absl::ParseTime(absl::RFC3339_full, spec["renewTime"].get<std::string>(), &renew, &err);
  }
  absl::Duration held_for = absl::Seconds(spec.value("leaseDurationSeconds", duration_s));
  bool mine = holder == config_.identity;
  if (!mine && !holder.empty() && renew + held_for > now) {
    leader_ = false;
    return false;  // held by someone else and not expired
  }
  if (!mine) {
    spec["acquireTime"] = MicroTime(now);
    spec["leaseTransitions"] = spec.value("leaseTransitions", 0) + 1;
  }
  spec["holderIdentity"] = config_.identity;
  spec["leaseDurationSeconds"] = duration_s;
  spec["renewTime"] = MicroTime(now);
  json updated = *lease;
  updated["spec"] = spec;
  absl::StatusOr<json> put = client_->Update(kLeases, updated);  // conditional on resourceVersion
  if (IsConflict(put.status())) {
    leader_ = false;
    return false;
  }
  if (!put.ok()) return put.status();
  leader_ = true;
  last_renew_ = now;
  return true;
}

absl::Status LeaderElector::Release() {
  if (!leader_) return absl::OkStatus();
  absl::StatusOr<json> lease = client_->Get(kLeases, config_.ns, config_.name);
  if (!lease.ok()) return lease.status();
  if ((*lease)["spec"].value("holderIdentity", "") != config_.identity) return absl::OkStatus();
  json updated = *lease;
  updated["spec"]["holderIdentity"] = "";
  updated["spec"]["leaseDurationSeconds"] = 1;
  leader_ = false;
  return client_->Update(kLeases, updated).status();
}

void LeaderElector::Run(const std::atomic<bool>* stop, const std::function<void()>& on_started,
                        const std::function<void()>& on_stopped) {
  bool leading = false;
  while (!stop->load()) {
    absl::StatusOr<bool> won = TryAcquireOrRenew();
    bool now_leader = won.ok() && *won;
    if (!won.ok() && leading && absl::Now() - last_renew_ < config_.renew_deadline) {
      now_leader = true;  // transient error: keep leading until the renew deadline
    }
    if (now_leader && !leading) {
      leading = true;
      if (on_started) on_started();
    } else if (!now_leader && leading) {
      leading = false;
      leader_ = false;
      if (on_stopped) on_stopped();
    }
    absl::Time until = absl::Now() + config_.retry_period;
    while (!stop->load() && absl::Now() < until) absl::SleepFor(absl::Milliseconds(20));
  }
  if (leading) {
    // Stop first, then give the lease up: a successor must never run beside us.
    if (on_stopped) on_stopped();
    (void)Release();
  }
}

}  // namespace c8s::kube
