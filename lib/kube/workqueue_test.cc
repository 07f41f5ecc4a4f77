#include "lib/kube/workqueue.h"

#include <catch2/catch_test_macros.hpp>
#include <thread>

#include "absl/time/clock.h"
#include "lib/kube/errors.h"

namespace c8s::kube {
namespace {

TEST_CASE("work queue de-duplicates and re-queues keys added while processing", "[unit]") {
  WorkQueue q;
  q.Add("a");
  q.Add("b");
  q.Add("a");
  CHECK(q.Len() == 2);
  auto k = q.Get();
  REQUIRE(k == "a");
  q.Add("a");  // while processing: parked until Done
  CHECK(q.Len() == 1);
  q.Done("a");
  CHECK(q.Len() == 2);
  CHECK(q.Get() == "b");
  CHECK(q.Get() == "a");
}

TEST_CASE("per-key exponential backoff from 5 ms to 1000 s", "[unit]") {
  WorkQueue q(WorkQueueOptions{.qps = 1e9, .burst = 1000000});
  CHECK(q.NextDelay("k") == absl::Milliseconds(5));
  CHECK(q.NextDelay("k") == absl::Milliseconds(10));
  CHECK(q.NextDelay("k") == absl::Milliseconds(20));
  CHECK(q.NumRequeues("k") == 3);
  for (int i = 0; i < 40; ++i) q.NextDelay("k");
  CHECK(q.NextDelay("k") == absl::Seconds(1000));
  CHECK(q.NextDelay("other") == absl::Milliseconds(5));
  q.Forget("k");
  CHECK(q.NextDelay("k") == absl::Milliseconds(5));
}

TEST_CASE("overall token bucket limits a burst of distinct keys", "[unit]") {
  WorkQueue q(WorkQueueOptions{.base_delay = absl::Milliseconds(1), .qps = 10, .burst = 5});
  for (int i = 0; i < 5; ++i) CHECK(q.NextDelay("k" + std::to_string(i)) == absl::Milliseconds(1));
  absl::Duration d = q.NextDelay("k5");
  CHECK(d > absl::Milliseconds(90));
  CHECK(d <= absl::Milliseconds(100));
}

TEST_CASE("rate-limited keys come back after their delay; shutdown unblocks Get", "[unit]") {
  WorkQueue q;
  absl::Time start = absl::Now();
  q.AddRateLimited("x");
  CHECK(q.Get() == "x");
  CHECK(absl::Now() - start >= absl::Milliseconds(5));
  q.Done("x");
  std::thread t([&] {
    absl::SleepFor(absl::Milliseconds(20));
    q.ShutDown();
  });
  CHECK_FALSE(q.Get().has_value());
  t.join();
}

TEST_CASE("API errors keep code, reason and Retry-After", "[unit]") {
  absl::Status s = HttpError(
      429, R"({"kind":"Status","reason":"TooManyRequests","message":"slow down","code":429})", "7");
  CHECK(kube::IsTooManyRequests(s));
  CHECK(RetryAfter(s) == absl::Seconds(7));
  CHECK(s.code() == absl::StatusCode::kResourceExhausted);
  absl::Status conflict = HttpError(409, R"({"kind":"Status","reason":"Conflict","code":409})", "");
  CHECK(kube::IsConflict(conflict));
  CHECK_FALSE(kube::IsAlreadyExists(conflict));
  CHECK(kube::IsAlreadyExists(HttpError(409, R"({"kind":"Status","reason":"AlreadyExists"})", "")));
  CHECK(kube::IsGone(HttpError(410, R"({"kind":"Status","reason":"Expired"})", "")));
  CHECK(kube::IsInvalid(HttpError(422, "not json", "")));
  CHECK(kube::IsNotFound(HttpError(404, "", "")));
  CHECK_FALSE(kube::IsNotFound(absl::NotFoundError("plain")));
}

}  // namespace
}  // namespace c8s::kube
