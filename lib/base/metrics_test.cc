#include "lib/base/metrics.h"

#include <catch2/catch_test_macros.hpp>

namespace c8s {
namespace {

TEST_CASE("metrics render counters, summaries and gauges in Prometheus text", "[unit]") {
  Metrics m;
  m.Inc("c8s_x_total", {{"kind", "node"}});
  m.Inc("c8s_x_total", {{"kind", "node"}}, 2);
  m.Inc("c8s_x_total", {{"kind", "say \"hi\""}});
  m.Observe("c8s_y_seconds", {}, 0.25);
  m.Observe("c8s_y_seconds", {}, 0.5);
  CHECK(m.Get("c8s_x_total", {{"kind", "node"}}) == 3);
  CHECK(m.Get("c8s_missing") == 0);
  std::string text = m.Render({{"c8s_up", 1}});
  CHECK(text ==
        "# TYPE c8s_x_total counter\n"
        "c8s_x_total{kind=\"node\"} 3\n"
        "c8s_x_total{kind=\"say \\\"hi\\\"\"} 1\n"
        "# TYPE c8s_y_seconds summary\n"
        "c8s_y_seconds_sum 0.75\n"
        "c8s_y_seconds_count 2\n"
        "# TYPE c8s_up gauge\n"
        "c8s_up 1\n");
  CHECK(ReasonLabel("challenge expired at 17:00") == "challenge_expired_at");
  CHECK(ReasonLabel("") == "unknown");
}

}  // namespace
}  // namespace c8s
