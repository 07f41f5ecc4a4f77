// EvaluateTdxPolicy, table-driven: every check passing and failing with its exact message.
#include <catch2/catch_test_macros.hpp>
#include <functional>

#include "lib/attest/policy.h"
#include "lib/attest/simulated_tdx.h"
#include "lib/attest/tdx_verifier.h"
#include "lib/base/clock.h"

namespace c8s::attest {
namespace {

Claims GoodClaims() {
  Claims c;
  c.platform = Platform::kTdx;
  c.product = "TDX";
  c.measurement = Bytes(48, 0xaa);
  c.rtmrs = {Bytes(48, 1), Bytes(48, 2), Bytes(48, 3), Bytes(48, 4)};
  c.host_data = Bytes(48, 0xcc);
  c.tee_tcb_svn = {5, 1, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
  c.tcb_status = "UpToDate";
  return c;
}

TdxPolicy GoodPolicy() {
  TdxPolicy p;
  p.mrtd = {Bytes(48, 0xbb), Bytes(48, 0xaa)};
  p.rtmrs =
      std::vector<std::vector<Bytes>>{{Bytes(48, 1), Bytes(48, 2), Bytes(48, 3), Bytes(48, 4)}};
  p.mr_config_id = std::vector<Bytes>{Bytes(48, 0xcc)};
  p.min_tee_tcb_svn = Bytes{5, 1, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
  return p;
}

struct Row {
  const char* name;
  std::function<void(TdxPolicy&, Claims&)> change;
  std::vector<std::string> failures;
};

TEST_CASE("TDX policy checks, each passing and failing with its message", "[unit]") {
  const Row rows[] = {
      {"all pass", [](TdxPolicy&, Claims&) {}, {}},
      {"mrtd mismatch",
       [](TdxPolicy&, Claims& c) { c.measurement = Bytes(48, 0x12); },
       {"tdx.mrtd: got 12121212\u2026, want one of [bbbbbbbb\u2026, aaaaaaaa\u2026]"}},
      {"mrtd empty allow-list",
       [](TdxPolicy& p, Claims&) { p.mrtd.clear(); },
       {"tdx.mrtd: allow-list is empty, nothing is accepted"}},
      {"rtmr mismatch",
       [](TdxPolicy&, Claims& c) { c.rtmrs[3] = Bytes(48, 9); },
       {"tdx.rtmrs: got [01010101\u2026, 02020202\u2026, 03030303\u2026, 09090909\u2026], want one "
        "of [[01010101\u2026, 02020202\u2026, 03030303\u2026, 04040404\u2026]]"}},
      {"rtmrs empty allow-list",
       [](TdxPolicy& p, Claims&) { p.rtmrs->clear(); },
       {"tdx.rtmrs: allow-list is empty, nothing is accepted"}},
      {"rtmrs not checked when absent",
       [](TdxPolicy& p, Claims& c) {
         p.rtmrs.reset();
         c.rtmrs[0] = Bytes(48, 7);
       },
       {}},
      {"mrconfigid mismatch",
       [](TdxPolicy&, Claims& c) { c.host_data = Bytes(48, 0); },
       {"tdx.mrConfigId: got 00000000\u2026, want one of [cccccccc\u2026]"}},
      {"mrconfigid empty allow-list",
       [](TdxPolicy& p, Claims&) { p.mr_config_id->clear(); },
       {"tdx.mrConfigId: allow-list is empty, nothing is accepted"}},
      {"tee tcb svn too low",
       [](TdxPolicy&, Claims& c) {
         c.tee_tcb_svn[0] = 4;
         c.tee_tcb_svn[2] = 1;
       },
       {"tdx.minTeeTcbSvn: TEE_TCB_SVN[0] got 4, want >= 5",
        "tdx.minTeeTcbSvn: TEE_TCB_SVN[2] got 1, want >= 3"}},
      {"debug refused",
       [](TdxPolicy&, Claims& c) { c.debug = true; },
       {"tdx.allowDebug: got debug enabled (TDATTRIBUTES bit 0), want disabled"}},
      {"debug allowed",
       [](TdxPolicy& p, Claims& c) {
         c.debug = true;
         p.allow_debug = true;
       },
       {}},
      {"tcb status default UpToDate",
       [](TdxPolicy&, Claims& c) { c.tcb_status = "OutOfDate"; },
       {"tdx.acceptedTcbStatus: got OutOfDate, want one of [UpToDate]"}},
      {"tcb status unknown without collateral",
       [](TdxPolicy&, Claims& c) { c.tcb_status = "Unknown"; },
       {"tdx.acceptedTcbStatus: got Unknown, want one of [UpToDate]"}},
      {"tcb status accepted list",
       [](TdxPolicy& p, Claims& c) {
         p.accepted_tcb_status = std::vector<std::string>{"UpToDate", "SWHardeningNeeded"};
         c.tcb_status = "SWHardeningNeeded";
       },
       {}},
      {"tcb status empty allow-list",
       [](TdxPolicy& p, Claims&) { p.accepted_tcb_status = std::vector<std::string>{}; },
       {"tdx.acceptedTcbStatus: allow-list is empty, nothing is accepted"}},
  };
  for (const Row& row : rows) {
    INFO(row.name);
    TdxPolicy p = GoodPolicy();
    Claims c = GoodClaims();
    row.change(p, c);
    std::vector<std::string> failures;
    EvaluateTdxPolicy(p, c, failures);
    CHECK(failures == row.failures);
  }
}

TEST_CASE("simulated TDX evidence is refused unless the policy allows simulated", "[unit]") {
  SimulatedTdx sim = SimulatedTdx::Create().value();
  SimulatedTdxFields fields;
  TdxCollateralBundle collateral = sim.Collateral({}).value();
  TdxVerifyOptions opt;
  opt.now = ParseRfc3339("2026-01-15T00:00:00Z").value();
  opt.collateral = &collateral;
  opt.simulated_roots = {ToBytes(sim.RootPem())};
  Claims claims = VerifyTdxQuote(sim.Quote(fields).value(), opt).value().claims;

  AttestationPolicy policy;
  policy.tdx = TdxPolicy{};
  policy.tdx->mrtd = {fields.mr_td};
  PolicyResult refused = EvaluatePolicy(policy, claims);
  CHECK_FALSE(refused.ok);
  CHECK(refused.failures ==
        std::vector<std::string>{"allowSimulated: evidence is simulated-tdx but the policy does "
                                 "not allow simulated evidence"});
  policy.allow_simulated = true;
  CHECK(EvaluatePolicy(policy, claims).ok);
}

}  // namespace
}  // namespace c8s::attest
