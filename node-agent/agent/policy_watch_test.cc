#include "node-agent/agent/policy_watch.h"

#include <catch2/catch_test_macros.hpp>
#include <thread>

#include "lib/attest/report_data.h"
#include "node-agent/agent/fake_cds_for_test.h"
#include "test/support/test_env.h"

namespace c8s::agent {
namespace {

class EchoEvidence : public attest::EvidenceProvider {
 public:
  absl::StatusOr<attest::Evidence> GetEvidence(const attest::ReportData& rd) override {
    return attest::Evidence{attest::Platform::kSimulatedSevSnp, attest::ToBytes(rd), {}, {}};
  }
  std::string_view Name() const override { return "echo"; }
};

template <typename F>
bool Eventually(F f) {
  for (int i = 0; i < 250; ++i) {
    if (f()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

TEST_CASE("policy watch: verified bundles enforced, bad ones refused, stream resumed", "[unit]") {
  c8s::testing::TempDir dir;
  testing::TestCa ca;
  testing::FakeCds cds(ca, Clock::Real());
  EchoEvidence ev;
  Metrics metrics;
  NodeIdentity node(&cds, &ev, Clock::Real(), {"node-1", "", 0, {}}, &metrics);
  auto store = PolicyStore::Open({dir.Path("state"), "prod.example.com"});
  REQUIRE(store.ok());
  REQUIRE((*store)->PinCa(ca.cert()).ok());
  PolicyWatch watch(&cds, &node, store->get(), &metrics,
                    {absl::Milliseconds(10), absl::Milliseconds(50), 2, 0});
  StopFlag stop;
  std::thread t([&] { watch.Run(&stop); });
  REQUIRE(node.Join().ok());

  cds.Push(ca.SignedBundle(2));
  CHECK(Eventually([&] { return (*store)->generation() == 2; }));
  testing::TestCa stranger;
  cds.Push(stranger.SignedBundle(3));  // not signed by the pinned CA
  cds.Push(ca.SignedBundle(1));        // rollback
  CHECK(Eventually([&] {
    return metrics.Get("c8s_agent_policy_bundles_total", {{"result", "refused"}}) == 2;
  }));
  CHECK((*store)->generation() == 2);

  cds.EndStream();
  CHECK(Eventually([&] { return cds.watches >= 2; }));
  cds.Push(ca.SignedBundle(4));
  CHECK(Eventually([&] { return (*store)->generation() == 4; }));
  CHECK(cds.known_generations[1] == 2);  // the new stream says what is enforced
  stop.Stop();
  watch.Cancel();
  t.join();
}

}  // namespace
}  // namespace c8s::agent
