#include "node-agent/agent/node_identity.h"

#include <catch2/catch_test_macros.hpp>
#include <thread>

#include "lib/attest/report_data.h"
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

TEST_CASE("renewal at two thirds of the usable lifetime", "[unit]") {
  absl::Time t = absl::FromUnixSeconds(1'000'000);
  CHECK(RenewalTime(t, t, t + absl::Hours(24)) == t + absl::Hours(16));
  // A backdated notBefore does not shorten the first period.
  CHECK(RenewalTime(t, t - absl::Minutes(5), t + absl::Seconds(6)) == t + absl::Seconds(4));
  CHECK(RenewalTime(t, t, t - absl::Seconds(1)) == t);
}

TEST_CASE("node identity: evidence bound to challenge and key, renewal, refusals", "[unit]") {
  testing::TestCa ca;
  // Whole seconds, as certificate times are.
  FakeClock clock(absl::FromUnixSeconds(absl::ToUnixSeconds(absl::Now())));
  testing::FakeCds cds(ca, clock);
  EchoEvidence ev;
  Metrics metrics;
  NodeIdentity id(&cds, &ev, clock, {"node-1", "10.0.0.11", 15443, {}}, &metrics);
  CHECK_FALSE(id.Current().has_value());
  REQUIRE(id.Join().ok());
  auto tls = id.Current();
  REQUIRE(tls.has_value());
  CHECK(tls->chain[0].CommonName() == "node-1");
  // The report data binds the challenge and the certificate's key (c8s/node/v1).
  REQUIRE(cds.last_join.has_value());
  CHECK(cds.last_join->evidence.report ==
        attest::ToBytes(
            attest::NodeReportData(cds.last_join->challenge, tls->key.GetPublicKey().SpkiDer())));
  CHECK(cds.last_join->node_address == "10.0.0.11");
  CHECK(cds.last_join->mesh_port == 15443);
  CHECK(id.renew_at() == clock.Now() + absl::Hours(16));

  // Renewal brings a new key; the old certificate stops being offered once expired.
  Bytes first_key = tls->key.GetPublicKey().SpkiDer();
  REQUIRE(id.Join().ok());
  CHECK(id.Current()->key.GetPublicKey().SpkiDer() != first_key);
  CHECK(id.renewals() == 1);

  cds.refuse = absl::PermissionDeniedError("CDS Identity.IssueNode: snp.measurement: got 5a5a…");
  CHECK(id.Join().message() == "CDS Identity.IssueNode: snp.measurement: got 5a5a…");
  CHECK(id.Current().has_value());  // still valid
  clock.Advance(absl::Hours(25));
  CHECK_FALSE(id.Current().has_value());
}

TEST_CASE("node identity loop renews a short-lived certificate and backs off on refusal",
          "[unit]") {
  testing::TestCa ca;
  testing::FakeCds cds(ca, Clock::Real());
  cds.node_lifetime = absl::Milliseconds(900);
  EchoEvidence ev;
  Metrics metrics;
  NodeIdentityOptions o{"node-1", "", 0, {absl::Milliseconds(10), absl::Milliseconds(50), 2, 0}};
  NodeIdentity id(&cds, &ev, Clock::Real(), o, &metrics);
  StopFlag stop;
  std::thread t([&] { id.Run(&stop); });
  for (int i = 0; i < 200 && id.renewals() < 2; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  CHECK(id.renewals() >= 2);
  stop.Stop();
  t.join();
  CHECK(metrics.Get("c8s_agent_node_certificates_total", {{"result", "issued"}}) >= 3);
}

}  // namespace
}  // namespace c8s::agent
