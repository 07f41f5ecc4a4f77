// Table tests of the reference-value policy: parsing, and every SNP check passing and failing
// with its exact message. (TDX checks are tested in policy_tdx_test.cc.)
#include "lib/attest/policy.h"

#include <catch2/catch_test_macros.hpp>

namespace c8s::attest {
namespace {

Bytes Fill(size_t n, uint8_t v) { return Bytes(n, v); }

Claims GoodSnpClaims() {
  Claims c;
  c.platform = Platform::kSevSnp;
  c.product = "Milan";
  c.signing_key = SigningKeyKind::kVcek;
  c.measurement = Fill(48, 0x9c);
  c.host_data = Fill(32, 0x11);
  c.chip_id = Fill(64, 0x22);
  c.reported_tcb = {.bootloader = 3, .tee = 0, .snp = 8, .microcode = 115, .fmc = 0, .raw = 0};
  c.policy_abi_major = 1;
  c.policy_abi_minor = 51;
  c.vmpl = 0;
  return c;
}

nlohmann::json PolicyJson() {
  return nlohmann::json::parse(R"({
    "allowSimulated": false,
    "snp": {
      "measurements": [")" + std::string(96, 'c').replace(0, 2, "9c") +
                               R"("],
      "minTcb": {"bootloader": 3, "tee": 0, "snp": 8, "microcode": 115, "fmc": 0},
      "products": ["Milan", "Genoa"],
      "allowDebug": false,
      "allowMigrationAgent": false,
      "hostData": [")" + std::string(64, '1') +
                               R"("],
      "chipIds": [")" + std::string(128, '2') +
                               R"("],
      "minAbi": {"major": 1, "minor": 51},
      "vmpl": 0
    }})");
}

AttestationPolicy GoodPolicy() {
  AttestationPolicy p = ParseAttestationPolicy(PolicyJson()).value();
  p.snp->measurements = {Fill(48, 0x9c)};  // the JSON above spells 9ccc…; use a fill
  return p;
}

TEST_CASE("policy JSON parses, round-trips and rejects typos", "[unit]") {
  absl::StatusOr<AttestationPolicy> p = ParseAttestationPolicy(PolicyJson());
  REQUIRE(p.ok());
  CHECK(p->snp->min_tcb.microcode == 115);
  CHECK(p->snp->chip_ids->size() == 1);
  CHECK(ParseAttestationPolicy(AttestationPolicyToJson(*p)).value().snp->host_data ==
        p->snp->host_data);
  nlohmann::json bad = PolicyJson();
  bad["snp"]["measurment"] = nlohmann::json::array();
  CHECK(std::string(ParseAttestationPolicy(bad).status().message()) ==
        "attestation policy snp.measurment: unknown field");
  bad = PolicyJson();
  bad["snp"]["hostData"] = {"abcd"};
  CHECK(std::string(ParseAttestationPolicy(bad).status().message()) ==
        "attestation policy snp.hostData: must be 64 hex digits");
  bad = PolicyJson();
  bad["snp"].erase("measurements");
  CHECK(std::string(ParseAttestationPolicy(bad).status().message()) ==
        "attestation policy snp.measurements: is required");
  bad = PolicyJson();
  bad["snp"]["products"] = {"Rome"};
  CHECK(!ParseAttestationPolicy(bad).ok());
  bad = PolicyJson();
  bad["tdx"] = {{"mrtd", {std::string(96, 'a')}}, {"rtmrs", {{std::string(96, 'a')}}}};
  CHECK(std::string(ParseAttestationPolicy(bad).status().message()) ==
        "attestation policy tdx.rtmrs: each entry must list RTMR0..RTMR3");
}

TEST_CASE("a good SNP claim passes every check", "[unit]") {
  PolicyResult r = EvaluatePolicy(GoodPolicy(), GoodSnpClaims());
  INFO((r.failures.empty() ? "" : r.failures[0]));
  CHECK(r.ok);
  CHECK(r.failures.empty());
}

struct Case {
  const char* name;
  void (*mutate)(Claims&, AttestationPolicy&);
  std::vector<std::string> want;
};

const std::string kEll = "\u2026";

TEST_CASE("each SNP check fails alone with its exact message", "[unit]") {
  std::vector<Case> cases = {
      {"measurement",
       [](Claims& c, AttestationPolicy&) { c.measurement = Fill(48, 0x7f); },
       {"snp.measurement: got 7f7f7f7f" + kEll + ", want one of [9c9c9c9c" + kEll + "]"}},
      {"empty measurements",
       [](Claims&, AttestationPolicy& p) { p.snp->measurements.clear(); },
       {"snp.measurement: allow-list is empty, nothing is accepted"}},
      {"bootloader",
       [](Claims& c, AttestationPolicy&) { c.reported_tcb.bootloader = 2; },
       {"snp.minTcb.bootloader: got 2, want >= 3"}},
      {"tee",
       [](Claims&, AttestationPolicy& p) { p.snp->min_tcb.tee = 1; },
       {"snp.minTcb.tee: got 0, want >= 1"}},
      {"snp",
       [](Claims& c, AttestationPolicy&) { c.reported_tcb.snp = 7; },
       {"snp.minTcb.snp: got 7, want >= 8"}},
      {"microcode",
       [](Claims& c, AttestationPolicy&) { c.reported_tcb.microcode = 114; },
       {"snp.minTcb.microcode: got 114, want >= 115"}},
      {"fmc on Turin",
       [](Claims& c, AttestationPolicy& p) {
         c.product = "Turin";
         p.snp->products->push_back("Turin");
         p.snp->min_tcb.fmc = 2;
         c.reported_tcb.fmc = 1;
       },
       {"snp.minTcb.fmc: got 1, want >= 2"}},
      {"fmc ignored on Milan", [](Claims&, AttestationPolicy& p) { p.snp->min_tcb.fmc = 9; }, {}},
      {"product",
       [](Claims& c, AttestationPolicy&) { c.product = "Turin"; },
       {"snp.product: got Turin, want one of [Milan, Genoa]"}},
      {"empty products",
       [](Claims&, AttestationPolicy& p) { p.snp->products->clear(); },
       {"snp.products: allow-list is empty, nothing is accepted"}},
      {"debug",
       [](Claims& c, AttestationPolicy&) { c.debug = true; },
       {"snp.allowDebug: got debug enabled (guest policy bit 19), want disabled"}},
      {"debug allowed",
       [](Claims& c, AttestationPolicy& p) {
         c.debug = true;
         p.snp->allow_debug = true;
       },
       {}},
      {"migration agent",
       [](Claims& c, AttestationPolicy&) { c.migration_agent = true; },
       {"snp.allowMigrationAgent: got migration agent allowed (guest policy bit 18), want not "
        "allowed"}},
      {"host data",
       [](Claims& c, AttestationPolicy&) { c.host_data = Fill(32, 0xab); },
       {"snp.hostData: got abababab" + kEll + ", want one of [11111111" + kEll + "]"}},
      {"empty host data",
       [](Claims&, AttestationPolicy& p) { p.snp->host_data->clear(); },
       {"snp.hostData: allow-list is empty, nothing is accepted"}},
      {"host data unchecked",
       [](Claims& c, AttestationPolicy& p) {
         p.snp->host_data.reset();
         c.host_data = Fill(32, 0xab);
       },
       {}},
      {"chip id",
       [](Claims& c, AttestationPolicy&) { c.chip_id = Fill(64, 0x33); },
       {"snp.chipId: got 33333333" + kEll + ", want one of [22222222" + kEll + "]"}},
      {"chip id with VLEK",
       [](Claims& c, AttestationPolicy&) {
         c.signing_key = SigningKeyKind::kVlek;
         c.chip_id = Fill(64, 0);
         c.chip_id_masked = true;
       },
       {"snp.chipIds: chip-ID pinning is unavailable with a VLEK-signed report (no hardware "
        "ID); the policy pins chip IDs"}},
      {"empty chip ids",
       [](Claims&, AttestationPolicy& p) { p.snp->chip_ids->clear(); },
       {"snp.chipId: allow-list is empty, nothing is accepted"}},
      {"chip ids unchecked",
       [](Claims& c, AttestationPolicy& p) {
         p.snp->chip_ids.reset();
         c.chip_id = Fill(64, 0x33);
       },
       {}},
      {"products unchecked",
       [](Claims& c, AttestationPolicy& p) {
         p.snp->products.reset();
         c.product = "Turin";
       },
       {}},
      {"vmpl unchecked",
       [](Claims& c, AttestationPolicy& p) {
         p.snp->vmpl.reset();
         c.vmpl = 3;
       },
       {}},
      {"masked chip id",
       [](Claims& c, AttestationPolicy&) {
         c.chip_id = Fill(64, 0);
         c.chip_id_masked = true;
       },
       {"snp.chipIds: chip-ID pinning is unavailable: the report's chip ID is masked (all "
        "zero); the policy pins chip IDs"}},
      {"min abi",
       [](Claims& c, AttestationPolicy&) { c.policy_abi_minor = 50; },
       {"snp.minAbi: got 1.50, want >= 1.51"}},
      {"min abi major",
       [](Claims& c, AttestationPolicy&) { c.policy_abi_major = 0; },
       {"snp.minAbi: got 0.51, want >= 1.51"}},
      {"vmpl", [](Claims& c, AttestationPolicy&) { c.vmpl = 1; }, {"snp.vmpl: got 1, want 0"}},
      {"simulated refused",
       [](Claims& c, AttestationPolicy&) { c.platform = Platform::kSimulatedSevSnp; },
       {"allowSimulated: evidence is simulated-sev-snp but the policy does not allow simulated "
        "evidence"}},
      {"simulated allowed",
       [](Claims& c, AttestationPolicy& p) {
         c.platform = Platform::kSimulatedSevSnp;
         p.allow_simulated = true;
       },
       {}},
      {"no snp section",
       [](Claims&, AttestationPolicy& p) { p.snp.reset(); },
       {"snp: the policy has no snp section, SEV-SNP evidence is not accepted"}},
  };
  for (const Case& tc : cases) {
    INFO(tc.name);
    Claims c = GoodSnpClaims();
    AttestationPolicy p = GoodPolicy();
    tc.mutate(c, p);
    PolicyResult r = EvaluatePolicy(p, c);
    CHECK(r.failures == tc.want);
    CHECK(r.ok == tc.want.empty());
  }
}

TEST_CASE("every failed check is reported, not only the first", "[unit]") {
  Claims c = GoodSnpClaims();
  c.measurement = Fill(48, 1);
  c.debug = true;
  c.vmpl = 2;
  PolicyResult r = EvaluatePolicy(GoodPolicy(), c);
  CHECK(!r.ok);
  CHECK(r.failures.size() == 3);
}

TEST_CASE("TDX claims without a tdx section are refused", "[unit]") {
  Claims c;
  c.platform = Platform::kTdx;
  PolicyResult r = EvaluatePolicy(GoodPolicy(), c);
  CHECK(r.failures == std::vector<std::string>{
                          "tdx: the policy has no tdx section, TDX evidence is not accepted"});
}

}  // namespace
}  // namespace c8s::attest
