// Time as an interface, so that expiry, rotation and backoff logic is testable.
//
//   FakeClock clock(absl::FromUnixSeconds(1'700'000'000));
//   cache.Check(clock);           // code under test calls clock.Now()
//   clock.Advance(absl::Seconds(61));
#pragma once

#include <mutex>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

#include "absl/time/time.h"

namespace c8s {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual absl::Time Now() const = 0;
  // The process-wide real clock.
  static const Clock& Real();
};

class FakeClock : public Clock {
 public:
  explicit FakeClock(absl::Time start) : now_(start) {}
  absl::Time Now() const override {
    std::lock_guard lock(mu_);
    return now_;
  }
  void Advance(absl::Duration d) {
    std::lock_guard lock(mu_);
    now_ += d;
  }
  void Set(absl::Time t) {
    std::lock_guard lock(mu_);
    now_ = t;
  }

 private:
  mutable std::mutex mu_;
  absl::Time now_;
};

// RFC 3339 in UTC with a `Z` suffix and whole seconds, as the manifest uses.
std::string FormatRfc3339(absl::Time t);
absl::StatusOr<absl::Time> ParseRfc3339(std::string_view text);

}  // namespace c8s
