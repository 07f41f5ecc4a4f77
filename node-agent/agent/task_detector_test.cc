#include "node-agent/agent/task_detector.h"

#include <catch2/catch_test_macros.hpp>

#include "node-agent/agent/testing_for_test.h"

namespace c8s::agent {
namespace {

struct NoPolicy : admission::PolicyView {
  std::shared_ptr<const manifest::PolicyBundle> Current() const override { return nullptr; }
};

TEST_CASE("task detector: unadmitted running containers and exec sessions are alerts", "[unit]") {
  admission::AdmissionStore admissions;
  NoPolicy policy;
  std::vector<manifest::BundleIdentity> bootstrap;
  Metrics metrics;
  HookGate gate(&admissions, &policy, &bootstrap, {}, &metrics);
  TaskDetector d(&admissions, &gate, &metrics, "k8s.io", 2);
  admissions.Record(testing::ApiAdmission("ok"));

  d.OnEvent({"k8s.io", "/tasks/start", "ok", "", 10, absl::Now()});
  CHECK(d.Alerts().empty());
  d.OnEvent({"moby", "/tasks/start", "elsewhere", "", 11, absl::Now()});  // other namespace
  CHECK(d.Alerts().empty());
  d.OnEvent({"k8s.io", "/tasks/start", "rogue", "", 12, absl::Now()});
  REQUIRE(d.Alerts().size() == 1);
  CHECK(d.Alerts()[0].kind == "unadmitted-container");
  CHECK(d.Alerts()[0].message == "container rogue (pid 12) is running without an admission record");
  d.OnEvent({"k8s.io", "/tasks/exec-started", "ok", "exec-1", 13, absl::Now()});
  CHECK(d.Alerts().back().message ==
        "exec session exec-1 (pid 13) started in container ok of pod shop/api-0 (identity "
        "shop/api); exec is not gated by NRI or the OCI hook");
  d.OnEvent({"k8s.io", "/tasks/start", "rogue2", "", 14, absl::Now()});
  CHECK(d.Alerts().size() == 2);  // bounded, newest kept
  CHECK(d.Alerts().back().container_id == "rogue2");
  CHECK(d.alerts_total() == 3);
  CHECK(metrics.Get("c8s_agent_alerts_total", {{"kind", "unadmitted-container"}}) == 2);
  CHECK(metrics.Get("c8s_agent_alerts_total", {{"kind", "exec"}}) == 1);
}

}  // namespace
}  // namespace c8s::agent
