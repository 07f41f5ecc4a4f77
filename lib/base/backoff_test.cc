#include "lib/base/backoff.h"

#include <catch2/catch_test_macros.hpp>

namespace c8s {
namespace {

TEST_CASE("backoff doubles up to the cap and resets", "[unit]") {
  Backoff b({.initial = absl::Milliseconds(5), .max = absl::Milliseconds(40), .jitter = 0});
  CHECK(b.Next() == absl::Milliseconds(5));
  CHECK(b.Next() == absl::Milliseconds(10));
  CHECK(b.Next() == absl::Milliseconds(20));
  CHECK(b.Next() == absl::Milliseconds(40));
  CHECK(b.Next() == absl::Milliseconds(40));
  CHECK(b.attempts() == 5);
  b.Reset();
  CHECK(b.Next() == absl::Milliseconds(5));
}

TEST_CASE("jitter stays within its fraction", "[unit]") {
  Backoff b({.initial = absl::Seconds(1), .max = absl::Seconds(1), .jitter = 0.5}, 42);
  for (int i = 0; i < 100; ++i) {
    absl::Duration d = b.Next();
    CHECK(d >= absl::Milliseconds(500));
    CHECK(d <= absl::Seconds(1));
  }
}

}  // namespace
}  // namespace c8s
