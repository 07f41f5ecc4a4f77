#include "lib/base/clock.h"

#include <catch2/catch_test_macros.hpp>

namespace c8s {
namespace {

TEST_CASE("fake clock advances only when told", "[unit]") {
  FakeClock clock(absl::FromUnixSeconds(1000));
  CHECK(clock.Now() == absl::FromUnixSeconds(1000));
  clock.Advance(absl::Seconds(61));
  CHECK(clock.Now() == absl::FromUnixSeconds(1061));
}

TEST_CASE("RFC 3339 formatting and parsing", "[unit]") {
  absl::Time t = absl::FromUnixSeconds(1795341600);  // 2026-11-22T10:00:00Z
  CHECK(FormatRfc3339(t) == "2026-11-22T10:00:00Z");
  CHECK(*ParseRfc3339("2026-11-22T10:00:00Z") == t);
  CHECK(*ParseRfc3339("2026-11-22T11:00:00+01:00") == t);
  CHECK_FALSE(ParseRfc3339("22/11/2026").ok());
}

}  // namespace
}  // namespace c8s
