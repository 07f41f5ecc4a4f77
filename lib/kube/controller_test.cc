#include "lib/kube/controller.h"

#include <catch2/catch_test_macros.hpp>
#include <map>
#include <mutex>

#include "absl/time/clock.h"

namespace c8s::kube {
namespace {

template <typename Pred>
bool Eventually(Pred pred, absl::Duration timeout = absl::Seconds(5)) {
  absl::Time end = absl::Now() + timeout;
  while (absl::Now() < end && !pred()) absl::SleepFor(absl::Milliseconds(5));
  return pred();
}

TEST_CASE("controller: done, requeue after, retry with backoff, permanent", "[unit]") {
  std::mutex mu;
  std::map<std::string, int> calls;
  Controller c({.name = "t", .workers = 2, .queue = {.base_delay = absl::Milliseconds(20)}},
               [&](const std::string& key) -> absl::StatusOr<absl::Duration> {
                 int n;
                 {
                   std::lock_guard<std::mutex> lock(mu);
                   n = ++calls[key];
                 }
                 if (key == "ok") return absl::ZeroDuration();
                 if (key == "again" && n < 3) return absl::Milliseconds(10);
                 if (key == "flaky" && n < 4) return absl::UnavailableError("down");
                 if (key == "broken") return Permanent(absl::InvalidArgumentError("bad input"));
                 return absl::ZeroDuration();
               });
  int observed_errors = 0;
  c.observer = [&](const std::string&, absl::Duration, const absl::Status& st) {
    std::lock_guard<std::mutex> lock(mu);
    if (!st.ok()) ++observed_errors;
  };
  c.Start();
  for (const char* k : {"ok", "again", "flaky", "broken"}) c.Enqueue(k);
  auto count = [&](const std::string& k) {
    std::lock_guard<std::mutex> lock(mu);
    return calls[k];
  };
  CHECK(Eventually([&] { return count("again") == 3 && count("flaky") == 4; }));
  absl::SleepFor(absl::Milliseconds(300));
  c.Stop();
  CHECK(count("ok") == 1);
  CHECK(count("again") == 3);
  CHECK(count("flaky") == 4);   // 3 failures retried after 20, 40, 80 ms, then success
  CHECK(count("broken") == 1);  // permanent: never retried
  CHECK(c.errors() == 4);
  CHECK(observed_errors == 4);
  CHECK(IsPermanent(Permanent(absl::InternalError("x"))));
  CHECK_FALSE(IsPermanent(absl::InternalError("x")));
  CHECK(Permanent(absl::OkStatus()).ok());
}

TEST_CASE("controller: a stopped controller drops what is queued", "[unit]") {
  std::atomic<int> calls{0};
  Controller c({.name = "slow"}, [&](const std::string&) -> absl::StatusOr<absl::Duration> {
    ++calls;
    absl::SleepFor(absl::Milliseconds(50));
    return absl::ZeroDuration();
  });
  c.Start();
  for (int i = 0; i < 100; ++i) c.Enqueue("k" + std::to_string(i));
  absl::SleepFor(absl::Milliseconds(20));
  absl::Time start = absl::Now();
  c.Stop();
  CHECK(absl::Now() - start < absl::Milliseconds(500));
  CHECK(calls.load() < 5);
}

}  // namespace
}  // namespace c8s::kube
