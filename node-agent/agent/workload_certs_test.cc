#include "node-agent/agent/workload_certs.h"

#include <catch2/catch_test_macros.hpp>

#include "lib/attest/report_data.h"
#include "node-agent/agent/cds_secrets.h"
#include "node-agent/agent/fake_cds_for_test.h"

namespace c8s::agent {
namespace {

class EchoEvidence : public attest::EvidenceProvider {
 public:
  absl::StatusOr<attest::Evidence> GetEvidence(const attest::ReportData& rd) override {
    return attest::Evidence{attest::Platform::kSimulatedSevSnp, attest::ToBytes(rd), {}, {}};
  }
  std::string_view Name() const override { return "echo"; }
};

TEST_CASE("workload certificates follow the admitted pods", "[unit]") {
  testing::TestCa ca;
  FakeClock clock(absl::FromUnixSeconds(absl::ToUnixSeconds(absl::Now())));
  testing::FakeCds cds(ca, clock);
  EchoEvidence ev;
  Metrics metrics;
  NodeIdentity node(&cds, &ev, clock, {"node-1", "", 0, {}}, &metrics);
  WorkloadCerts certs(&cds, &node, clock, &metrics);
  admission::Admission a = testing::ApiAdmission("c1");
  admission::Admission a2 = testing::ApiAdmission("c2");  // same pod, second container

  certs.Sync({a, a2});
  CHECK(certs.size() == 0);  // no node certificate yet: nothing asked
  REQUIRE(node.Join().ok());
  certs.Sync({a, a2});
  REQUIRE(certs.ForPod(a.pod_uid).has_value());
  CHECK(certs.ForPod(a.pod_uid)->chain[0].CommonName() == "shop/api");
  CHECK(cds.workload_calls == std::vector<std::string>{"shop/api shop/api-0 by node-1"});
  certs.Sync({a});
  CHECK(cds.workload_calls.size() == 1);  // not due

  // Rotation at 2/3 of the hour.
  Bytes old_key = certs.ForPod(a.pod_uid)->key.GetPublicKey().SpkiDer();
  clock.Advance(absl::Minutes(41));
  certs.Sync({a});
  CHECK(cds.workload_calls.size() == 2);
  CHECK(certs.ForPod(a.pod_uid)->key.GetPublicKey().SpkiDer() != old_key);

  // Secrets go out under the pod's own workload certificate.
  CdsSecrets secrets(&cds, &certs);
  auto s = secrets.Release(a, "shop/db");
  REQUIRE(s.ok());
  CHECK(ToString(s->value) == "shop/db for shop/api");
  admission::Admission stranger = a;
  stranger.pod_uid = "other";
  CHECK(secrets.Release(stranger, "shop/db").status().code() == absl::StatusCode::kUnavailable);

  // Refusals back off; the pod leaving removes its certificate.
  cds.refuse_workload = absl::PermissionDeniedError("identity \"shop/api\" is not defined");
  admission::Admission b = testing::ApiAdmission("c3");
  b.pod_uid = "uid-b";
  b.pod_name = "api-1";
  certs.Sync({a, b});
  certs.Sync({a, b});
  CHECK(metrics.Get("c8s_agent_workload_certificates_total", {{"result", "failed"}}) == 1);
  certs.Sync({});
  CHECK(certs.size() == 0);
  CHECK_FALSE(certs.ForPod(a.pod_uid).has_value());
}

}  // namespace
}  // namespace c8s::agent
