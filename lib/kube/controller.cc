#include "lib/kube/controller.h"

#include "absl/strings/cord.h"
#include "absl/time/clock.h"
#include "lib/base/log.h"
#include "lib/base/strings.h"

namespace c8s::kube {
namespace {
constexpr char kPermanentUrl[] = "c8s.dev/kube/permanent";
}  // namespace

absl::Status Permanent(absl::Status status) {
  if (!status.ok()) status.SetPayload(kPermanentUrl, absl::Cord("1"));
  return status;
}

bool IsPermanent(const absl::Status& status) {
  return status.GetPayload(kPermanentUrl).has_value();
}

Controller::Controller(ControllerOptions options, ReconcileFn reconcile)
    : options_(std::move(options)), reconcile_(std::move(reconcile)), queue_(options_.queue) {}

Controller::~Controller() { Stop(); }

void Controller::Start() {
  for (int i = 0; i < std::max(1, options_.workers); ++i) {
    workers_.emplace_back([this] { Work(); });
  }
}

void Controller::Stop() {
  stopping_ = true;
  queue_.ShutDown();
  for (std::thread& t : workers_) {
    if (t.joinable()) t.join();
  }
  workers_.clear();
}

void Controller::Work() {
  while (std::optional<std::string> key = queue_.Get()) {
    if (stopping_) {
      queue_.Done(*key);
      continue;
    }
    absl::Time start = absl::Now();
    absl::StatusOr<absl::Duration> result = reconcile_(*key);
    ++reconciles_;
    if (observer) observer(*key, absl::Now() - start, result.status());
    if (result.ok()) {
      queue_.Forget(*key);
      if (*result > absl::ZeroDuration()) queue_.AddAfter(*key, *result);
    } else {
      ++errors_;
      if (IsPermanent(result.status())) {
        queue_.Forget(*key);
        log::Warn(
            "reconcile failed, not retried",
            {{"controller", options_.name}, {"key", *key}, {"error", StatusText(result.status())}});
      } else {
        absl::Duration delay = queue_.NextDelay(*key);
        log::Debug("reconcile failed, retrying", {{"controller", options_.name},
                                                  {"key", *key},
                                                  {"retry_in_ms", absl::ToInt64Milliseconds(delay)},
                                                  {"error", StatusText(result.status())}});
        queue_.AddAfter(*key, delay);
      }
    }
    queue_.Done(*key);
  }
}

}  // namespace c8s::kube
